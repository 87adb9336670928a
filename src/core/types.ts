/** Domain types shared by every layer. Timestamps are epoch milliseconds once validated. */
import type { ErrorCode } from './error-codes.ts';

export const EVENT_TYPES = ['impression', 'play', 'like', 'share', 'comment', 'follow', 'skip', 'not_interested', 'report'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Why a `report` event reports a video (required on reports, refused on other events). */
export const REPORT_REASONS = ['spam', 'misinformation', 'hate', 'violence', 'self_harm', 'nudity', 'minor_safety', 'dangerous_acts', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** A person's age band: the engine keeps it, never the birth date it came from. */
export const AGE_BANDS = ['13-15', '16-17', '18+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export type VideoStatus = 'active' | 'removed';

export interface Video {
  id: string;
  creatorId: string;
  durationMs: number;
  createdAt: number;
  caption: string;
  hashtags: string[];
  soundId: string;
  language: string;
  region: string;
  status: VideoStatus;
  embedding?: number[];
  /** Topics whose runs can harm (dieting, sadness...): the feed spreads them out (kept by src/safety/). */
  sensitiveTopics?: string[];
}

export interface UserSettings {
  personalized: boolean;
  keywordFilters: string[];
  /** Set from a birth date given in `PUT /v1/users/:id`; absent while the age is unknown. */
  ageBand?: AgeBand;
}

export interface User {
  id: string;
  region: string;
  language: string;
  createdAt: number;
  settings: UserSettings;
}

export interface WatchEvent {
  /** Client idempotency key: the same id twice is stored once. */
  id: string;
  userId: string;
  videoId: string;
  type: EventType;
  ts: number;
  watchMs?: number;
  sessionId?: string;
  position?: number;
  reason?: ReportReason;
  /**
   * Set by the engine at ingestion, never by a client: what a like from a new account or a burst counts for in
   * the learners (absent: 1). Kept with the event, so every rebuild learns from it exactly as live learning did.
   */
  signalWeight?: number;
}

/** An event as the log holds it: with its position in the log. */
export interface LoggedEvent extends WatchEvent {
  seq: number;
}

/** What happened to one item of a batch, in input order. `id` is absent when the item had none. */
export type ItemOutcome =
  | { id: string; status: 'stored' }
  | { id: string; status: 'duplicate' }
  /** Valid, but the log could not take it this time: sending it again (or the whole batch) is safe. */
  | { id: string; status: 'failed'; code: ErrorCode; message: string }
  | { id?: string; status: 'rejected'; code: ErrorCode; message: string; field?: string };

export const DEFAULT_SETTINGS: UserSettings = { personalized: true, keywordFilters: [] };
