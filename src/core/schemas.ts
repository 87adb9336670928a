/**
 * The JSON shapes the API accepts, as TypeBox schemas: one source for validation and for OpenAPI.
 * Checks that JSON Schema cannot express (timestamps, embedding length, watchMs for plays) live in validate.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES, REPORT_REASONS } from './types.ts';

const Id = Type.String({ minLength: 1, maxLength: 128, description: 'Opaque identifier' });
export const Timestamp = Type.Union([Type.String({ maxLength: 64 }), Type.Number()], {
  description: 'ISO 8601 string or epoch milliseconds',
});

export const VideoInput = Type.Object(
  {
    id: Id,
    creatorId: Id,
    durationMs: Type.Integer({ minimum: 1, maximum: 86_400_000 }),
    createdAt: Type.Optional(Timestamp),
    caption: Type.Optional(Type.String({ maxLength: 4000 })),
    hashtags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
    soundId: Type.Optional(Type.String({ maxLength: 128 })),
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
    region: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('removed')])),
    embedding: Type.Optional(Type.Array(Type.Number())),
    sensitiveTopics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type VideoInput = Static<typeof VideoInput>;

export const UserSettingsInput = Type.Object(
  {
    personalized: Type.Optional(Type.Boolean()),
    keywordFilters: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200 })),
  },
  { additionalProperties: false },
);

export const UserInput = Type.Object(
  {
    region: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 16 })),
    createdAt: Type.Optional(Timestamp),
    /** Only the age band is kept; under 13 is refused. */
    birthDate: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD; only the age band it gives is stored' })),
    settings: Type.Optional(UserSettingsInput),
  },
  { additionalProperties: false },
);
export type UserInput = Static<typeof UserInput>;

export const EventInput = Type.Object(
  {
    id: Id,
    userId: Id,
    videoId: Id,
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    ts: Timestamp,
    watchMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
    sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    reason: Type.Optional(Type.Union(REPORT_REASONS.map((r) => Type.Literal(r)))),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

export const MAX_EVENT_BATCH = 1000;
export const MAX_VIDEO_BATCH = 1000;
export const MAX_RANK_BATCH = 1000;

/** `POST /v1/users/:id/rank`: the caller's own candidates, to be ordered for the person by the feed's scorer. */
export const RankInput = Type.Object(
  {
    videoIds: Type.Array(Id, {
      minItems: 1,
      maxItems: MAX_RANK_BATCH,
      description: `The videos to rank, 1 to ${MAX_RANK_BATCH} (more is a 413); an id given twice is ranked once`,
    }),
  },
  { additionalProperties: false },
);
export type RankInput = Static<typeof RankInput>;
