/**
 * The engine's view of the event log: it seals each event under its person's data key before `append`
 * and opens it after a read, so any `EventLog` (SQLite, JetStream) stores only ids and ciphertext.
 * Erasing a person destroys their key first: from then on no copy of their events can be read, even one a
 * log has not overwritten yet.
 */
import { RequestWorker } from '../../core/request-worker.ts';
import type { LoggedEvent, WatchEvent } from '../../core/types.ts';
import type { AppendOutcome, EventLog, LoggedSealedEvent, SealedEvent } from '../../log/event-log.ts';
import { decrypt, encrypt } from './aead.ts';
import type { PersonKeys } from './data-keys.ts';
import type { SealingRequest } from './sealing-worker.ts';

/**
 * The sealed fields, in this order: video, type, time, watch time, session, position, then a report's reason and a
 * discounted like's weight, each only when there is one (a reason of null before a weight).
 */
type Fields = [string, WatchEvent['type'], number, number | null, string | null, number | null, (WatchEvent['reason'] | null)?, number?];

/** Binds a ciphertext to its event and person, so it cannot be passed off as another event. */
const eventContext = (id: string, userId: string) => `moteur event\u0000${id}\u0000${userId}`;

/** From this many events a batch is sealed on the sealing thread; a smaller one costs less than the round trip. */
const SEAL_ON_THREAD_FROM = 64;

export class PersonalEventLog {
  /** Started on the first large batch: tools that append a few events never start a thread. */
  private sealer: RequestWorker<SealingRequest, string[]> | undefined;

  constructor(
    /** Where sealed events are stored. */
    readonly sealedLog: EventLog,
    readonly keys: PersonKeys,
  ) {}

  /** Seals and appends a batch; the data keys of people new to the log are durable before their events are. */
  async append(events: readonly WatchEvent[]): Promise<AppendOutcome[]> {
    await this.keys.ensure(events.map((e) => e.userId));
    return this.sealedLog.append(events.length < SEAL_ON_THREAD_FROM ? events.map((e) => this.seal(e)) : await this.sealOnThread(events));
  }

  private async sealOnThread(events: readonly WatchEvent[]): Promise<SealedEvent[]> {
    const keys = new Uint8Array(32 * events.length);
    events.forEach((e, i) => keys.set(this.keys.keyOf(e.userId)!, 32 * i));
    this.sealer ??= new RequestWorker(new URL('./sealing-worker.ts', import.meta.url), undefined, 'event sealing');
    const sealed = await this.sealer.request(
      { keys, plaintexts: events.map((e) => JSON.stringify(fieldsOf(e))), contexts: events.map((e) => eventContext(e.id, e.userId)) },
      [keys.buffer],
    );
    return events.map((e, i) => ({ id: e.id, userId: e.userId, sealed: sealed[i]! }));
  }

  /** Events after `afterSeq`, opened; events whose key was destroyed are skipped (they cannot be read). */
  async readAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    return this.open(await this.sealedLog.readAfter(afterSeq, limit));
  }

  async readByUser(userId: string): Promise<LoggedEvent[]> {
    return this.open(await this.sealedLog.readByUser(userId));
  }

  /** Destroys the person's data key, then deletes their events; returns how many were deleted. */
  async eraseUser(userId: string): Promise<number> {
    await this.keys.destroy(userId);
    return this.sealedLog.eraseUser(userId);
  }

  lastSeq(): Promise<number> {
    return this.sealedLog.lastSeq();
  }

  count(): Promise<number> {
    return this.sealedLog.count();
  }

  async close(): Promise<void> {
    await this.sealer?.close();
    await this.sealedLog.close();
    await this.keys.close();
  }

  private seal(e: WatchEvent): SealedEvent {
    const sealed = encrypt(this.keys.keyOf(e.userId)!, Buffer.from(JSON.stringify(fieldsOf(e))), eventContext(e.id, e.userId));
    return { id: e.id, userId: e.userId, sealed: sealed.toString('base64') };
  }

  /** Opens sealed events read from the log (by this class or by a cluster node following it); unreadable ones are skipped. */
  async open(stored: readonly LoggedSealedEvent[]): Promise<LoggedEvent[]> {
    await this.keys.prepare(new Set(stored.map((s) => s.userId)));
    const events: LoggedEvent[] = [];
    for (const s of stored) {
      const key = this.keys.keyOf(s.userId);
      if (key === undefined) continue;
      const [videoId, type, ts, watchMs, sessionId, position, reason, signalWeight] = JSON.parse(
        decrypt(key, Buffer.from(s.sealed, 'base64'), eventContext(s.id, s.userId)).toString(),
      ) as Fields;
      const event: LoggedEvent = { seq: s.seq, id: s.id, userId: s.userId, videoId, type, ts };
      if (watchMs !== null) event.watchMs = watchMs;
      if (sessionId !== null) event.sessionId = sessionId;
      if (position !== null) event.position = position;
      if (reason !== undefined && reason !== null) event.reason = reason;
      if (signalWeight !== undefined) event.signalWeight = signalWeight;
      events.push(event);
    }
    return events;
  }
}

function fieldsOf(e: WatchEvent): Fields {
  const fields: Fields = [e.videoId, e.type, e.ts, e.watchMs ?? null, e.sessionId ?? null, e.position ?? null];
  // Only reports and discounted likes carry more fields, so every other event seals exactly as before.
  if (e.reason !== undefined || e.signalWeight !== undefined) fields.push(e.reason ?? null);
  if (e.signalWeight !== undefined) fields.push(e.signalWeight);
  return fields;
}
