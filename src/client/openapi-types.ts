// Generated from the OpenAPI document the server serves (GET /openapi.json) by scripts/generate-client.ts; do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness, the regions served, the catalog size, and whether every acknowledged event is learned */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                            /** @description the regions whose people this node serves, home region first */
                            regions: string[];
                            /** @description the catalog size */
                            videos: number;
                            learning: {
                                pendingEvents: number;
                                itemGraphUpToDate: boolean;
                                itemGraphTrainings: number;
                                /** @description every acknowledged event is learned and the item graph is up to date */
                                settled: boolean;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the Prometheus text exposition format */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/videos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Page through the catalog by id (removed videos too); pass nextCursor back for the next page, null at the end */
        get: {
            parameters: {
                query?: {
                    /**
                     * @description nextCursor of the previous page
                     * @example djQy
                     */
                    cursor?: string;
                    /** @example 100 */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            videos: {
                                id: string;
                                creatorId: string;
                                durationMs: number;
                                /** @description epoch milliseconds */
                                createdAt: number;
                                caption: string;
                                hashtags: string[];
                                soundId: string;
                                language: string;
                                region: string;
                                /** @enum {string} */
                                status: "active" | "removed";
                                embedding?: number[];
                                sensitiveTopics?: string[];
                            }[];
                            /** @description pass it back for the next page; null at the end */
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Upsert a batch of up to 1000 videos; each item is validated on its own (see VideoInput) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description VideoInput items */
                        videos: unknown[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            results: {
                                id?: string;
                                /** @enum {string} */
                                status: "stored" | "duplicate" | "rejected" | "failed";
                                code?: string;
                                message?: string;
                                field?: string;
                            }[];
                            stored: number;
                            duplicates: number;
                            rejected: number;
                            failed: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/videos/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One video */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            creatorId: string;
                            durationMs: number;
                            /** @description epoch milliseconds */
                            createdAt: number;
                            caption: string;
                            hashtags: string[];
                            soundId: string;
                            language: string;
                            region: string;
                            /** @enum {string} */
                            status: "active" | "removed";
                            embedding?: number[];
                            sensitiveTopics?: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Mark a video removed: it is never served again */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            creatorId: string;
                            durationMs: number;
                            /** @description epoch milliseconds */
                            createdAt: number;
                            caption: string;
                            hashtags: string[];
                            soundId: string;
                            language: string;
                            region: string;
                            /** @enum {string} */
                            status: "active" | "removed";
                            embedding?: number[];
                            sensitiveTopics?: string[];
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/videos/{id}/similar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Videos like this one: its nearest content embeddings and what its audience also enjoyed, each with its reasons */
        get: {
            parameters: {
                query?: {
                    /**
                     * @description videos (1 to 100)
                     * @example 10
                     */
                    n?: number;
                    /**
                     * @description The person the list is for: age-restricted videos show only to someone of 18 or more (no one named: unknown age)
                     * @example u42
                     */
                    userId?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "videoId": "v1",
                         *       "items": [
                         *         {
                         *           "videoId": "v42",
                         *           "creatorId": "c7",
                         *           "soundId": "s3",
                         *           "hashtags": [
                         *             "cats"
                         *           ],
                         *           "durationMs": 15000,
                         *           "createdAt": "2026-11-22T10:00:00.000Z",
                         *           "score": 1.42,
                         *           "reasons": [
                         *             "looks like this video (content similarity 0.83)",
                         *             "people who enjoyed this video also enjoyed it (co-engagement 0.59 of the strongest)"
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": {
                            videoId: string;
                            items: {
                                videoId: string;
                                creatorId: string;
                                soundId: string;
                                hashtags: string[];
                                durationMs: number;
                                /** Format: date-time */
                                createdAt: string;
                                score: number;
                                reasons: string[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/trending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The most popular videos of the moment that can be served in a region (default: the node's home region) */
        get: {
            parameters: {
                query?: {
                    /** @example eu */
                    region?: string;
                    /**
                     * @description videos (1 to 100)
                     * @example 10
                     */
                    n?: number;
                    /**
                     * @description The person the list is for: age-restricted videos show only to someone of 18 or more (no one named: unknown age)
                     * @example u42
                     */
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "region": "eu",
                         *       "items": [
                         *         {
                         *           "videoId": "v42",
                         *           "creatorId": "c7",
                         *           "soundId": "s3",
                         *           "hashtags": [
                         *             "cats"
                         *           ],
                         *           "durationMs": 15000,
                         *           "createdAt": "2026-11-22T10:00:00.000Z",
                         *           "score": 1.42,
                         *           "reasons": [
                         *             "looks like this video (content similarity 0.83)",
                         *             "people who enjoyed this video also enjoyed it (co-engagement 0.59 of the strongest)"
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": {
                            region: string;
                            items: {
                                videoId: string;
                                creatorId: string;
                                soundId: string;
                                hashtags: string[];
                                durationMs: number;
                                /** Format: date-time */
                                createdAt: string;
                                score: number;
                                reasons: string[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/videos/new": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The newest videos of the catalog, newest first */
        get: {
            parameters: {
                query?: {
                    /**
                     * @description videos (1 to 100)
                     * @example 10
                     */
                    n?: number;
                    /**
                     * @description The person the list is for: age-restricted videos show only to someone of 18 or more (no one named: unknown age)
                     * @example u42
                     */
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "videoId": "v42",
                         *           "creatorId": "c7",
                         *           "soundId": "s3",
                         *           "hashtags": [
                         *             "cats"
                         *           ],
                         *           "durationMs": 15000,
                         *           "createdAt": "2026-11-22T10:00:00.000Z",
                         *           "score": 1.42,
                         *           "reasons": [
                         *             "looks like this video (content similarity 0.83)",
                         *             "people who enjoyed this video also enjoyed it (co-engagement 0.59 of the strongest)"
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": {
                            items: {
                                videoId: string;
                                creatorId: string;
                                soundId: string;
                                hashtags: string[];
                                durationMs: number;
                                /** Format: date-time */
                                createdAt: string;
                                score: number;
                                reasons: string[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/videos/batch-get": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Up to 500 videos by id, in the order asked; ids not in the catalog are listed under missing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "ids": [
                     *         "v1",
                     *         "v2",
                     *         "nope"
                     *       ]
                     *     }
                     */
                    "application/json": {
                        ids: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            videos: {
                                id: string;
                                creatorId: string;
                                durationMs: number;
                                /** @description epoch milliseconds */
                                createdAt: number;
                                caption: string;
                                hashtags: string[];
                                soundId: string;
                                language: string;
                                region: string;
                                /** @enum {string} */
                                status: "active" | "removed";
                                embedding?: number[];
                                sensitiveTopics?: string[];
                            }[];
                            missing: string[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Page through the profiles of the people of this node's regions by id; pass nextCursor back for the next page, null at the end */
        get: {
            parameters: {
                query?: {
                    /**
                     * @description nextCursor of the previous page
                     * @example djQy
                     */
                    cursor?: string;
                    /** @example 100 */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            users: {
                                id: string;
                                region: string;
                                language: string;
                                /** @description epoch milliseconds */
                                createdAt: number;
                                settings: {
                                    personalized: boolean;
                                    keywordFilters: string[];
                                    /**
                                     * @description set from a birth date; absent while the age is unknown
                                     * @enum {string}
                                     */
                                    ageBand?: "13-15" | "16-17" | "18+";
                                };
                            }[];
                            /** @description pass it back for the next page; null at the end */
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            region: string;
                            language: string;
                            /** @description epoch milliseconds */
                            createdAt: number;
                            settings: {
                                personalized: boolean;
                                keywordFilters: string[];
                                /**
                                 * @description set from a birth date; absent while the age is unknown
                                 * @enum {string}
                                 */
                                ageBand?: "13-15" | "16-17" | "18+";
                            };
                        };
                    };
                };
            };
        };
        /** Create or update a user (fields not given keep their value) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        region?: string;
                        language?: string;
                        /** @description ISO 8601 string or epoch milliseconds */
                        createdAt?: string | number;
                        /** @description YYYY-MM-DD; only the age band it gives is stored */
                        birthDate?: string;
                        settings?: {
                            personalized?: boolean;
                            keywordFilters?: string[];
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            region: string;
                            language: string;
                            /** @description epoch milliseconds */
                            createdAt: number;
                            settings: {
                                personalized: boolean;
                                keywordFilters: string[];
                                /**
                                 * @description set from a birth date; absent while the age is unknown
                                 * @enum {string}
                                 */
                                ageBand?: "13-15" | "16-17" | "18+";
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Erase this person: events, profile, serving history and per-person model state */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            userId: string;
                            eventsErased: number;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everything stored or learned about this person, as JSON */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: {
                                id: string;
                                region: string;
                                language: string;
                                /** @description epoch milliseconds */
                                createdAt: number;
                                settings: {
                                    personalized: boolean;
                                    keywordFilters: string[];
                                    /**
                                     * @description set from a birth date; absent while the age is unknown
                                     * @enum {string}
                                     */
                                    ageBand?: "13-15" | "16-17" | "18+";
                                };
                            };
                            events: {
                                /** @description its position in the event log */
                                seq: number;
                                id: string;
                                userId: string;
                                videoId: string;
                                /** @enum {string} */
                                type: "impression" | "play" | "like" | "share" | "comment" | "follow" | "skip" | "not_interested" | "report";
                                /** @description epoch milliseconds */
                                ts: number;
                                watchMs?: number;
                                sessionId?: string;
                                position?: number;
                                /** @enum {string} */
                                reason?: "spam" | "misinformation" | "hate" | "violence" | "self_harm" | "nudity" | "minor_safety" | "dangerous_acts" | "other";
                                /** @description what a like from a new account or a burst counts for in the learners (absent: 1) */
                                signalWeight?: number;
                            }[];
                            served: {
                                videoId: string;
                                ts: number;
                            }[];
                            learned: {
                                follows: string[];
                                hiddenCreators: string[];
                                hiddenSounds: string[];
                                recentPositives: string[];
                                /** @description every positive kept about the person, oldest first (the last ones are recentPositives) */
                                keptPositives: string[];
                                affinities: {
                                    key: string;
                                    value: number;
                                }[];
                                /** @description null before the person has one */
                                interestVector: number[] | null;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start learning about this person over; follows and settings stay */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            userId: string;
                            /** @enum {boolean} */
                            refreshed: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ingest a batch of up to 1000 events; answered once the stored ones are durable */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description EventInput items */
                        events: unknown[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            results: {
                                id?: string;
                                /** @enum {string} */
                                status: "stored" | "duplicate" | "rejected" | "failed";
                                code?: string;
                                message?: string;
                                field?: string;
                            }[];
                            stored: number;
                            duplicates: number;
                            rejected: number;
                            failed: number;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            code: "log_unavailable";
                            message: string;
                            results: {
                                id?: string;
                                /** @enum {string} */
                                status: "stored" | "duplicate" | "rejected" | "failed";
                                code?: string;
                                message?: string;
                                field?: string;
                            }[];
                            stored: number;
                            duplicates: number;
                            rejected: number;
                            failed: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/feed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The next videos for this user, each with the reasons it was chosen (explain=1 adds its source, the ranker's predictions, the weights combining them and the top signals) */
        get: {
            parameters: {
                query?: {
                    n?: number;
                    sessionId?: string;
                    explain?: "1" | "true" | "0" | "false";
                    /**
                     * @description only videos carrying one of these hashtags, comma-separated (a topic tab)
                     * @example cats,dogs
                     */
                    hashtags?: string;
                    /**
                     * @description no video carrying any of these hashtags, comma-separated
                     * @example spoilers
                     */
                    excludeHashtags?: string;
                    /**
                     * @description video ids to leave out, comma-separated (what the client already has), at most 500
                     * @example v1,v2
                     */
                    exclude?: string;
                    /**
                     * @description only this creator's videos
                     * @example c7
                     */
                    creatorId?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            userId: string;
                            items: {
                                videoId: string;
                                creatorId: string;
                                soundId: string;
                                hashtags: string[];
                                durationMs: number;
                                source: string;
                                score: number;
                                reasons: string[];
                                /** @description a moderator's label (such as unverified), to show with the video */
                                label?: string;
                                /** @description with explain=1: the source's figures, the ranker's predictions and weights, the top signals */
                                explain?: {
                                    source: string;
                                    sourceSignals: {
                                        [key: string]: number;
                                    };
                                    predictions?: {
                                        [key: string]: number;
                                    };
                                    weights?: {
                                        [key: string]: number;
                                    };
                                    topSignals?: {
                                        signal: string;
                                        value: number;
                                        contribution: number;
                                    }[];
                                    /** @description the person's variant of each live experiment */
                                    experiments?: {
                                        [key: string]: string;
                                    };
                                    /** @description when the sensitive-topic dispersal held a video back for this slot */
                                    dispersal?: string;
                                } & {
                                    [key: string]: unknown;
                                };
                            }[];
                            /**
                             * @description a minor past the day's limit: time to suggest a break
                             * @enum {boolean}
                             */
                            screenTimeReminder?: true;
                            /** @description the person's variant of each live experiment */
                            experiments?: {
                                [key: string]: string;
                            };
                            /** @description with explain=1: the pipeline that built the page, and what each of its stages added, removed and took */
                            pipeline?: {
                                pipeline: string;
                                sources: {
                                    name: string;
                                    added: number;
                                    ms: number;
                                }[];
                                filters: {
                                    name: string;
                                    removed: number;
                                }[];
                                scorer: {
                                    name: string;
                                    ms: number;
                                };
                                selection: {
                                    name: string;
                                    ms: number;
                                    filledBy: {
                                        [key: string]: number;
                                    };
                                };
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/rank": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rank up to 1000 of the caller's videos for this user with the scorer the feed serves, less the item graph's score: no filters, re-ranking or exploration, nothing recorded as served; unknown and removed videos are rejected */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The videos to rank, 1 to 1000 (more is a 413); an id given twice is ranked once */
                        videoIds: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            userId: string;
                            /** @description Best first, in the order of the scorer the feed serves */
                            items: {
                                videoId: string;
                                score: number;
                                /** @description What drove the score: the predictions behind it and its strongest signal */
                                reasons: string[];
                            }[];
                            /** @description The videos that could not be ranked, with the reason */
                            rejected: {
                                videoId: string;
                                /** @enum {string} */
                                code: "unknown_video" | "video_removed";
                                message: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed C2SP checkpoint of the audit ledger (text) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description origin, tree size, root hash and signature lines */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The ledger's verifier key as this server states it (C2SP: origin+keyid+base64 key); an auditor compares it with the one they hold */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the verifier key */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ledger entries [start, end), at most 1000 */
        get: {
            parameters: {
                query: {
                    start: number;
                    end: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            entries: {
                                index: number;
                                /** @description the ledger entry as recorded (an access decision, an administrative action...) */
                                entry: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/proofs/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** RFC 9162 inclusion proof of entry `index` in the tree of `size` entries */
        get: {
            parameters: {
                query: {
                    index: number;
                    size: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            index: number;
                            size: number;
                            /** @description base64 */
                            root: string;
                            proof: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/proofs/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** RFC 9162 consistency proof between two tree sizes */
        get: {
            parameters: {
                query: {
                    from: number;
                    to: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            from: number;
                            to: number;
                            proof: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/moderation/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open moderation cases, riskiest first (reports weighted by reporter reliability, reach so far, reason severity) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                videoId: string;
                                /** @description report weight x reporter reliability x reason severity, times (1 + log10(1 + reach)) */
                                risk: number;
                                reports: number;
                                /** @description the reports as counted after the integrity checks */
                                weightedReports: number;
                                byReason: {
                                    [key: string]: number;
                                };
                                reach: number;
                                frozen: boolean;
                                /** @description why some reports count for less */
                                integrity: string[];
                                /** @description held before any report, on what earlier removals say: why */
                                held?: string;
                                /** @description an appeal reopened the case: another moderator than the one who decided must decide it */
                                appeal?: {
                                    id: string;
                                    decisionId: string;
                                    /** @enum {string} */
                                    action: "remove" | "not_for_you" | "age_restrict" | "label" | "restore" | "freeze";
                                    decidedBy: string;
                                };
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/moderation/decisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decide about a video: remove, not_for_you, age_restrict, label or restore */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        videoId: string;
                        /**
                         * @description remove, not_for_you (followers and link only), age_restrict (18+), label (shown labelled, never amplified), restore
                         * @enum {string}
                         */
                        action: "remove" | "not_for_you" | "age_restrict" | "label" | "restore";
                        /**
                         * @description the DSA statement category, lower case without its STATEMENT_CATEGORY_ prefix
                         * @enum {string}
                         */
                        category: "animal_welfare" | "consumer_information" | "cyber_violence" | "cyber_violence_against_women" | "data_protection_and_privacy_violations" | "illegal_or_harmful_speech" | "intellectual_property_infringements" | "negative_effects_on_civic_discourse_or_elections" | "not_specified_notice" | "other_violation_tc" | "protection_of_minors" | "risk_for_public_security" | "scams_and_fraud" | "self_harm" | "unsafe_and_prohibited_products" | "violence";
                        /**
                         * @description illegal content (then legalGround), or content incompatible with the terms
                         * @enum {string}
                         */
                        ground: "illegal" | "incompatible";
                        legalGround?: string;
                        /** @description why, in words the creator will read; names no one */
                        explanation: string;
                        label?: string;
                        sensitiveTopics?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            videoId: string;
                            /** @enum {string} */
                            action: "remove" | "not_for_you" | "age_restrict" | "label" | "restore" | "freeze";
                            /** @enum {string} */
                            category: "animal_welfare" | "consumer_information" | "cyber_violence" | "cyber_violence_against_women" | "data_protection_and_privacy_violations" | "illegal_or_harmful_speech" | "intellectual_property_infringements" | "negative_effects_on_civic_discourse_or_elections" | "not_specified_notice" | "other_violation_tc" | "protection_of_minors" | "risk_for_public_security" | "scams_and_fraud" | "self_harm" | "unsafe_and_prohibited_products" | "violence";
                            /** @enum {string} */
                            ground: "illegal" | "incompatible";
                            legalGround: string | null;
                            explanation: string;
                            label: string | null;
                            /** @enum {string} */
                            decidedBy: "human" | "automated";
                            moderator: string;
                            /** @enum {string} */
                            source: "notice" | "own_initiative";
                            appealId: string | null;
                            /** @description epoch milliseconds */
                            ts: number;
                            /** @description times the video had been served when the decision was taken */
                            reach: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/moderation/appeals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A creator's appeal of a decision: the case reopens for another moderator */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        decisionId: string;
                        /** @description the creator's case */
                        explanation: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            decisionId: string;
                            videoId: string;
                            explanation: string;
                            /** @description epoch milliseconds */
                            ts: number;
                            /** @enum {string} */
                            status: "open" | "upheld" | "reversed";
                            /** @description the decision that closed it */
                            resolvedBy: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/moderation/decisions/{id}/statement": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A decision's statement of reasons (EU DSA Transparency Database format) and the creator's copy */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the EU DSA Transparency Database fields */
                            statement: {
                                [key: string]: (string | string[]) | (never | null);
                            };
                            creatorCopy: {
                                decisionId: string;
                                videoId: string;
                                decided: string;
                                why: string;
                                decidedBy: string;
                                date: string;
                                howToAppeal: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/policies/reload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-read the access policies and the keys file; a broken file is refused (422) and nothing changes */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            policyVersion: string;
                            label: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's key (id, role, regions, the first of them this node serves) and the console pages its role may open */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            role: string;
                            regions: string[];
                            /** @description the first of the key's regions this node serves: where the console creates a new person */
                            region: string;
                            /** @description the console pages its role may open */
                            pages: ("feed" | "engine" | "audit")[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exploration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** New videos in the exploration pool: counts by tier, and the n most served with their servings, completions and likes */
        get: {
            parameters: {
                query?: {
                    n?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description videos still owed their guaranteed audience */
                            guaranteed: number;
                            /** @description videos earning their servings by how they do */
                            earning: number;
                            /** @description the most served first */
                            videos: {
                                videoId: string;
                                /** @enum {string} */
                                tier: "guaranteed" | "earned";
                                served: number;
                                completions: number;
                                likes: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        VideoInput: {
            /** @description Opaque identifier */
            id: string;
            /** @description Opaque identifier */
            creatorId: string;
            durationMs: number;
            /** @description ISO 8601 string or epoch milliseconds */
            createdAt?: string | number;
            caption?: string;
            hashtags?: string[];
            soundId?: string;
            language?: string;
            region?: string;
            status?: "active" | "removed";
            embedding?: number[];
            sensitiveTopics?: string[];
        };
        EventInput: {
            /** @description Opaque identifier */
            id: string;
            /** @description Opaque identifier */
            userId: string;
            /** @description Opaque identifier */
            videoId: string;
            type: "impression" | "play" | "like" | "share" | "comment" | "follow" | "skip" | "not_interested" | "report";
            /** @description ISO 8601 string or epoch milliseconds */
            ts: string | number;
            watchMs?: number;
            sessionId?: string;
            position?: number;
            reason?: "spam" | "misinformation" | "hate" | "violence" | "self_harm" | "nudity" | "minor_safety" | "dangerous_acts" | "other";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
