/**
 * A `Store` whose catalog is global and whose personal data (people, what they were served, their
 * refreshes) lives in one store per region, routed by the people directory.
 */
import type { User, Video } from '../core/types.ts';
import type { ServedRow, Store, StoreCounts } from '../store/store.ts';
import { wrongRegion, type PeopleDirectory } from './people-directory.ts';

/** Served rows of region i are numbered i * ROW_SPAN + their own row id, so one cursor pages through every region. */
const ROW_SPAN = 2 ** 40;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

export class RegionalStore implements Store {
  constructor(
    private readonly catalog: Store,
    /** One store per served region, in the directory's region order. */
    private readonly people: ReadonlyMap<string, Store>,
    private readonly directory: PeopleDirectory,
  ) {}

  private storeOf(region: string): Store {
    const store = this.people.get(region);
    if (store === undefined) throw wrongRegion(region, this.directory.regions);
    return store;
  }

  /** The store of a known person, or undefined for someone this node has no data about. */
  private storeOfPerson(userId: string): Store | undefined {
    const region = this.directory.regionOf(userId);
    return region === undefined ? undefined : this.storeOf(region);
  }

  upsertVideos(videos: readonly Video[]): Promise<void> {
    return this.catalog.upsertVideos(videos);
  }

  getVideo(id: string): Promise<Video | undefined> {
    return this.catalog.getVideo(id);
  }

  listVideos(afterId: string, limit: number): Promise<Video[]> {
    return this.catalog.listVideos(afterId, limit);
  }

  async getUser(id: string): Promise<User | undefined> {
    return this.storeOfPerson(id)?.getUser(id);
  }

  async putUser(user: User): Promise<void> {
    // A move is refused naming where the person lives, before the new region is looked for among the served ones.
    this.directory.assertStays(user.id, user.region);
    const store = this.storeOf(user.region);
    this.directory.place(user.id, user.region);
    await store.putUser(user);
  }

  async insertMissingUsers(users: readonly User[]): Promise<void> {
    for (const [region, group] of groupBy(users, (u) => u.region)) await this.storeOf(region).insertMissingUsers(group);
  }

  /** People of every served region in id order, merged page by page. */
  async listUsers(afterId: string, limit: number): Promise<User[]> {
    const pages = await Promise.all([...this.people.values()].map((s) => s.listUsers(afterId, limit)));
    return pages
      .flat()
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  async recordServed(rows: readonly Omit<ServedRow, 'rowId'>[]): Promise<void> {
    for (const [region, group] of groupBy(rows, (r) => this.directory.assign(r.userId))) await this.storeOf(region).recordServed(group);
  }

  async listServed(afterRowId: number, limit: number): Promise<ServedRow[]> {
    const stores = [...this.people.values()];
    for (let i = Math.floor(afterRowId / ROW_SPAN); i < stores.length; i++) {
      const after = i === Math.floor(afterRowId / ROW_SPAN) ? afterRowId % ROW_SPAN : 0;
      const rows = await stores[i]!.listServed(after, limit);
      if (rows.length > 0) return rows.map((r) => ({ ...r, rowId: i * ROW_SPAN + r.rowId }));
    }
    return [];
  }

  async clearServed(userId: string): Promise<void> {
    await this.storeOfPerson(userId)?.clearServed(userId);
  }

  async servedTo(userId: string): Promise<{ videoId: string; ts: number }[]> {
    return (await this.storeOfPerson(userId)?.servedTo(userId)) ?? [];
  }

  async recordReset(userId: string, afterSeq: number): Promise<void> {
    await this.storeOf(this.directory.assign(userId)).recordReset(userId, afterSeq);
  }

  async listResets(): Promise<Map<string, number>> {
    const all = new Map<string, number>();
    for (const store of this.people.values()) for (const [userId, seq] of await store.listResets()) all.set(userId, seq);
    return all;
  }

  async eraseUser(userId: string): Promise<void> {
    await this.storeOfPerson(userId)?.eraseUser(userId);
    this.directory.forget(userId);
  }

  async counts(): Promise<StoreCounts> {
    const total: StoreCounts = { ...(await this.catalog.counts()), users: 0, served: 0 };
    for (const store of this.people.values()) {
      const c = await store.counts();
      total.users += c.users;
      total.served += c.served;
      total.bytes = (total.bytes ?? 0) + (c.bytes ?? 0);
    }
    return total;
  }

  async close(): Promise<void> {
    await this.catalog.close();
    for (const store of this.people.values()) await store.close();
  }
}
