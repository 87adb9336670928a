/**
 * Sending events in batches: `POST /v1/events` takes at most 1000 per call, and one call of many events costs
 * the server far less than many calls of one. Every batch goes through the client, so a 503 is resent.
 */
import { MoteurApiError } from './answers.ts';
import type { MoteurClient } from './index.ts';
import type { components, paths } from './openapi-types.ts';

export type EventInput = components['schemas']['EventInput'];
export type BatchAnswer = paths['/v1/events']['post']['responses'][200]['content']['application/json'];

const MAX_BATCH = 1000;

function addedUp(answers: BatchAnswer[]): BatchAnswer {
  return {
    results: answers.flatMap((a) => a.results),
    stored: answers.reduce((sum, a) => sum + a.stored, 0),
    duplicates: answers.reduce((sum, a) => sum + a.duplicates, 0),
    rejected: answers.reduce((sum, a) => sum + a.rejected, 0),
    failed: answers.reduce((sum, a) => sum + a.failed, 0),
  };
}

/**
 * Sends any number of events in batches of at most `batchSize`, one after another, and adds up the answers
 * (results in the order given). A batch answered other than 200, after the resends, throws a MoteurApiError.
 */
export async function sendEvents(client: MoteurClient, events: readonly EventInput[], batchSize = MAX_BATCH): Promise<BatchAnswer> {
  const answers: BatchAnswer[] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    const { data, error, response } = await client.POST('/v1/events', { body: { events: events.slice(i, i + batchSize) } });
    if (data === undefined) throw new MoteurApiError(response.status, error);
    answers.push(data);
  }
  return addedUp(answers);
}

export interface EventBatcherOptions {
  /** A batch is sent as soon as this many events wait (default and most: 1000)... */
  maxBatch?: number;
  /** ...or this long after the first of them was queued (default 1 s). */
  maxWaitMs?: number;
}

/**
 * Queues events as they happen and sends them in batches, in the order queued. A batch sent on the timer that
 * fails makes the next `add` or `flush` throw; `flush` sends what waits (call it before exiting).
 */
export class EventBatcher {
  private pending: EventInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly client: MoteurClient,
    options: EventBatcherOptions = {},
  ) {
    this.maxBatch = Math.min(options.maxBatch ?? MAX_BATCH, MAX_BATCH);
    this.maxWaitMs = options.maxWaitMs ?? 1000;
  }

  /** Queues events; resolves once they are queued, or sent when they filled a batch. */
  async add(...events: EventInput[]): Promise<void> {
    this.throwFailure();
    this.pending.push(...events);
    if (this.pending.length >= this.maxBatch) {
      await this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush().catch((err: unknown) => (this.failure = err)), this.maxWaitMs).unref();
  }

  /** Sends every queued event, after the batches already on their way; resolves with the added-up answer. */
  async flush(): Promise<BatchAnswer> {
    this.throwFailure();
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.pending;
    this.pending = [];
    const sent = this.sending.then(() => sendEvents(this.client, events, this.maxBatch));
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  private throwFailure(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    this.failure = undefined;
    throw failure;
  }
}
