import { MoteurError } from '../core/errors.ts';
import type { User } from '../core/types.ts';
import type { ServedRow, Store } from '../store/store.ts';
import type { Ledger, LedgerEntry } from '../trust/ledger/ledger.ts';
import { warn } from '../core/warnings.ts';

/**
 * Writes a moment later, in one batch, what need not hold up a feed request or an ingest with an extra
 * disk sync: served records, users created implicitly by their first event, and audit ledger entries
 * (group commit). A crash loses at most `flushMs` of these; users come back from the log.
 *
 * A write that fails drops nothing: what was not written goes back in front of what came since and is
 * retried, backing off up to `MAX_RETRY_MS`. Once audit entries have been waiting on a failing ledger for
 * `AUDIT_OUTAGE_LIMIT_MS`, `ensureAuditable` refuses further accesses: none may go unrecorded for long.
 */
const MAX_RETRY_MS = 2_000;
export const AUDIT_OUTAGE_LIMIT_MS = 5_000;

export class DeferredWriter {
  private served: Omit<ServedRow, 'rowId'>[] = [];
  private users: User[] = [];
  private audit: LedgerEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private flushing: Promise<void> = Promise.resolve();
  /** Since when writes have been failing, and why; undefined while they succeed. */
  private failing: { since: number; failures: number; message: string } | undefined;

  constructor(
    private readonly store: Store,
    private readonly ledger: Ledger,
    private readonly flushMs: number,
  ) {}

  addAudit(entry: LedgerEntry): void {
    this.audit.push(entry);
    this.schedule();
  }

  addServed(userId: string, videoIds: readonly string[], ts: number): void {
    for (const videoId of videoIds) this.served.push({ userId, videoId, ts });
    this.schedule();
  }

  addUsers(users: readonly User[]): void {
    this.users.push(...users);
    this.schedule();
  }

  /** Drops the served records pending for the user: used when their serving history is reset. */
  discardServed(userId: string): void {
    this.served = this.served.filter((r) => r.userId !== userId);
  }

  /** Drops everything pending about the user: used when they are erased. */
  discardUser(userId: string): void {
    this.discardServed(userId);
    this.users = this.users.filter((u) => u.id !== userId);
  }

  /** Throws a 503 once the ledger has failed to take audit entries for longer than the outage limit. */
  ensureAuditable(now = Date.now()): void {
    const failing = this.failing;
    if (failing === undefined || now - failing.since < AUDIT_OUTAGE_LIMIT_MS) return;
    const seconds = Math.round((now - failing.since) / 1000);
    throw new MoteurError(
      'audit_unavailable',
      `the audit ledger has not been writable for ${seconds} s (${failing.message}); accesses are refused until it is, so that none goes unrecorded`,
    );
  }

  /** No more flushes by timer: the engine is closing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs = this.flushMs): void {
    if (this.stopped) return;
    // A timer's flush has no caller to hear of a failure: the failure is reported once, and retried.
    this.timer ??= setTimeout(() => this.flush().catch(() => undefined), delayMs).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const served = this.served;
    const users = this.users;
    const audit = this.audit;
    this.served = [];
    this.users = [];
    this.audit = [];
    // A failed write must not poison every later flush: it surfaces once, to the caller that awaited it.
    this.flushing = this.flushing
      .catch(() => undefined)
      .then(async () => {
        const left = { audit, users, served };
        try {
          await this.ledger.append(left.audit);
          left.audit = [];
          await this.store.insertMissingUsers(left.users);
          left.users = [];
          await this.store.recordServed(left.served);
          left.served = [];
          this.failing = undefined;
        } catch (error) {
          this.requeue(left, error as Error);
          throw error;
        }
      });
    await this.flushing;
  }

  private requeue(left: { audit: LedgerEntry[]; users: User[]; served: Omit<ServedRow, 'rowId'>[] }, error: Error): void {
    this.audit = left.audit.concat(this.audit);
    this.users = left.users.concat(this.users);
    this.served = left.served.concat(this.served);
    if (this.failing === undefined) {
      this.failing = { since: Date.now(), failures: 0, message: error.message };
      warn('audit_write_failed', 'audit entries and served records not written, retrying', error);
    }
    this.failing.failures++;
    this.failing.message = error.message;
    this.schedule(Math.min(MAX_RETRY_MS, this.flushMs * 2 ** this.failing.failures));
  }
}
