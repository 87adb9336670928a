import { Type } from '@sinclair/typebox';
import type { ItemOutcome } from '../../core/types.ts';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const BatchResult = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.Optional(Type.String()),
      // An enum, not a union of literals: the response serializer would test each branch of an anyOf per item.
      status: Type.Unsafe<ItemOutcome['status']>({ type: 'string', enum: ['stored', 'duplicate', 'rejected', 'failed'] }),
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
