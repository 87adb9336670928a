import type { User } from '../core/types.ts';
import type { ServedRow, Store } from '../store/store.ts';
import type { Ledger, LedgerEntry } from '../trust/ledger/ledger.ts';

/**
 * Writes a moment later, in one batch, what need not hold up a feed request or an ingest with an extra
 * disk sync: served records, users created implicitly by their first event, and audit ledger entries
 * (group commit). A crash loses at most `flushMs` of these; users come back from the log.
 */
export class DeferredWriter {
  private served: Omit<ServedRow, 'rowId'>[] = [];
  private users: User[] = [];
  private audit: LedgerEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

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

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
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
    this.flushing = this.flushing.catch(() => undefined).then(async () => {
      await this.ledger.append(audit);
      await this.store.insertMissingUsers(users);
      await this.store.recordServed(served);
    });
    await this.flushing;
  }
}
