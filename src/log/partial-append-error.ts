import type { AppendOutcome } from './event-log.ts';
import { messageOf } from '../core/thrown.ts';

/** What became of one event of a batch whose append failed part-way: a failed event is not in the log. */
export type PartialOutcome = AppendOutcome | { status: 'failed'; error: unknown };

/**
 * An append of which some events failed: `outcomes` holds each event's own outcome, in input order. Every
 * operation of the batch has finished when it is thrown, and appending the same batch again is safe: what was
 * stored is then a duplicate, and what failed is stored (see NatsEventLog).
 */
export class PartialAppendError extends Error {
  constructor(readonly outcomes: PartialOutcome[]) {
    const failed = outcomes.filter((o) => o.status === 'failed');
    const first = failed[0]?.error;
    super(
      `${failed.length} of ${outcomes.length} events could not be appended to the JetStream log ` +
        `(${messageOf(first)}); the others are stored or duplicates, and appending the batch again is safe`,
    );
    this.name = 'PartialAppendError';
  }
}
