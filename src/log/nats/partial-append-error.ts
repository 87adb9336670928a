import type { AppendOutcome } from '../event-log.ts';

/** What became of one event of a batch whose append failed part-way. */
export type PartialOutcome = AppendOutcome | { status: 'failed'; error: unknown };

/**
 * An append of which some events failed: `outcomes` holds each event's own outcome, in input order. Every
 * operation of the batch has finished when it is thrown, and appending the same batch again is safe: what was
 * stored is then a duplicate, and an event stored but not yet claimed gets its claim (see NatsEventLog).
 */
export class PartialAppendError extends Error {
  constructor(readonly outcomes: PartialOutcome[]) {
    const failed = outcomes.filter((o) => o.status === 'failed');
    const first = failed[0]?.error;
    super(
      `${failed.length} of ${outcomes.length} events could not be appended to the JetStream log ` +
        `(${first instanceof Error ? first.message : String(first)}); the others are stored or duplicates, and appending the batch again is safe`,
    );
    this.name = 'PartialAppendError';
  }
}
