import { Type } from '@sinclair/typebox';
import { AGE_BANDS, type ItemOutcome } from '../../core/types.ts';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

/**
 * A string of a fixed set, as an enum: a union of literals would make the response serializer test each branch
 * of an anyOf per value.
 */
export const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description === undefined ? {} : { description }) });

/** An answer in plain text (Prometheus metrics, the signed notes of C2SP), not JSON. */
export const TextAnswer = (description: string) => ({ description, content: { 'text/plain': { schema: Type.String() } } });

/** A video's main fields, as the feed and the catalog lists give each video. */
export const VideoCardFields = {
  videoId: Type.String(),
  creatorId: Type.String(),
  soundId: Type.String(),
  hashtags: Type.Array(Type.String()),
  durationMs: Type.Integer(),
};

/**
 * The answers below list every field the engine returns: the serializer writes only the fields a response
 * schema names, and a nullable one must say so (it would write null as "" or 0).
 */
export const VideoAnswer = Type.Object({
  id: Type.String(),
  creatorId: Type.String(),
  durationMs: Type.Number(),
  createdAt: Type.Number({ description: 'epoch milliseconds' }),
  caption: Type.String(),
  hashtags: Type.Array(Type.String()),
  soundId: Type.String(),
  language: Type.String(),
  region: Type.String(),
  status: enumOf(['active', 'removed'] as const),
  embedding: Type.Optional(Type.Array(Type.Number())),
  sensitiveTopics: Type.Optional(Type.Array(Type.String())),
});

export const UserAnswer = Type.Object({
  id: Type.String(),
  region: Type.String(),
  language: Type.String(),
  createdAt: Type.Number({ description: 'epoch milliseconds' }),
  settings: Type.Object({
    personalized: Type.Boolean(),
    keywordFilters: Type.Array(Type.String()),
    ageBand: Type.Optional(enumOf(AGE_BANDS, 'set from a birth date; absent while the age is unknown')),
  }),
});

export const BatchResult = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.Optional(Type.String()),
      status: enumOf<ItemOutcome['status']>(['stored', 'duplicate', 'rejected', 'failed']),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
      field: Type.Optional(Type.String()),
    }),
  ),
  stored: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  failed: Type.Integer(),
});

/** A batch of which the log could not take some valid items: the same counts and results, and what to do. */
export const PartlyStoredBatch = Type.Composite([Type.Object({ code: Type.Literal('log_unavailable'), message: Type.String() }), BatchResult]);

export function batchReply(results: ItemOutcome[]) {
  const count = (status: ItemOutcome['status']) => results.filter((r) => r.status === status).length;
  return { results, stored: count('stored'), duplicates: count('duplicate'), rejected: count('rejected'), failed: count('failed') };
}
