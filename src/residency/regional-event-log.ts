/**
 * An `EventLog` kept as one SQLite log per region, each person's events in their own region's log. The
 * logs share one sequence: numbers are given out here, in the order batches arrive, and a batch for another
 * region than the one before it is written only after that one, so batches are durable, and learned from,
 * in sequence order: the node reads its regions back as one log in one order (what snapshots and refreshes
 * are positioned by). Batches for the same region as the one before go straight to its writer, which keeps
 * their order.
 */
import type { AppendOutcome, EventLog, LoggedSealedEvent, SealedEvent } from '../log/event-log.ts';
import type { SqliteEventLog } from '../log/sqlite/sqlite-event-log.ts';
import type { PeopleDirectory } from './people-directory.ts';

export class RegionalEventLog implements EventLog {
  private tail: Promise<unknown> = Promise.resolve();
  /** The region of the batch written last, when it held one region only. */
  private tailRegion: string | undefined;

  constructor(
    private readonly logs: ReadonlyMap<string, SqliteEventLog>,
    private readonly directory: PeopleDirectory,
    /** The highest sequence number in any region's log, served here or not. */
    private lastGiven: number,
  ) {}

  private logOf(userId: string): SqliteEventLog | undefined {
    const region = this.directory.regionOf(userId);
    return region === undefined ? undefined : this.logs.get(region);
  }

  append(events: readonly SealedEvent[]): Promise<AppendOutcome[]> {
    const byRegion = new Map<string, number[]>();
    for (let i = 0; i < events.length; i++) {
      const region = this.directory.assign(events[i]!.userId);
      const indexes = byRegion.get(region);
      if (indexes === undefined) byRegion.set(region, [i]);
      else indexes.push(i);
    }
    const first = this.lastGiven + 1;
    this.lastGiven += events.length;
    const write = async (): Promise<AppendOutcome[]> => {
      const outcomes: AppendOutcome[] = new Array(events.length);
      for (const [region, indexes] of byRegion) {
        const stored = await this.logs.get(region)!.append(
          indexes.map((i) => events[i]!),
          indexes.map((i) => first + i),
        );
        stored.forEach((outcome, k) => (outcomes[indexes[k]!] = outcome));
      }
      return outcomes;
    };
    const region = byRegion.size === 1 ? [...byRegion.keys()][0] : undefined;
    const result = region !== undefined && region === this.tailRegion ? write() : this.tail.then(write);
    this.tail = Promise.all([this.tail, result]).catch(() => undefined);
    this.tailRegion = region;
    return result;
  }

  /** The next events of all regions, merged in sequence order. */
  async readAfter(afterSeq: number, limit: number): Promise<LoggedSealedEvent[]> {
    const pages = await Promise.all([...this.logs.values()].map((log) => log.readAfter(afterSeq, limit)));
    return pages
      .flat()
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  }

  async readByUser(userId: string): Promise<LoggedSealedEvent[]> {
    return (await this.logOf(userId)?.readByUser(userId)) ?? [];
  }

  async eraseUser(userId: string): Promise<number> {
    return (await this.logOf(userId)?.eraseUser(userId)) ?? 0;
  }

  async lastSeq(): Promise<number> {
    return Math.max(0, ...(await Promise.all([...this.logs.values()].map((log) => log.lastSeq()))));
  }

  async count(): Promise<number> {
    return (await Promise.all([...this.logs.values()].map((log) => log.count()))).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await this.tail;
    for (const log of this.logs.values()) await log.close();
  }
}
