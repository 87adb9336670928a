/** People's data keys kept in their own region, beside that region's events (a file or a PostgreSQL schema per region). */
import type { PersonKeys } from '../trust/crypto/data-keys.ts';
import type { PeopleDirectory } from './people-directory.ts';

export class RegionalDataKeys implements PersonKeys {
  constructor(
    /** One table of keys per served region. */
    private readonly keys: ReadonlyMap<string, PersonKeys>,
    private readonly directory: PeopleDirectory,
    /**
     * With nodes sharing the regions (PostgreSQL), where people unknown here live among the regions not
     * served (their keys stay unopened): region by id.
     */
    private readonly locateElsewhere?: (userIds: readonly string[]) => Promise<ReadonlyMap<string, string>>,
  ) {}

  private keysOf(userId: string): PersonKeys | undefined {
    const region = this.directory.regionOf(userId);
    return region === undefined ? undefined : this.keys.get(region);
  }

  /**
   * Loads the keys of known people from their region. Someone this node has no region for may still have
   * a key: created through another node since this one started, or, on one node, first seen in events
   * just before a crash that lost their profile (written a moment after the events). They are looked for
   * in every served region and placed where their key is; in a cluster, then among the regions not served,
   * so that a person of another region is refused rather than created here.
   */
  async prepare(userIds: Iterable<string>): Promise<void> {
    const unknown = new Set<string>();
    const byRegion = new Map<PersonKeys, string[]>();
    for (const userId of userIds) {
      const keys = this.keysOf(userId);
      if (keys !== undefined) pushTo(byRegion, keys, userId);
      else if (this.directory.regionOf(userId) === undefined) unknown.add(userId);
    }
    for (const [keys, ids] of byRegion) await keys.prepare(ids);
    if (unknown.size === 0) return;
    for (const [region, keys] of this.keys) {
      await keys.prepare(unknown);
      for (const userId of unknown) {
        if (keys.keyOf(userId) === undefined) continue;
        this.directory.place(userId, region);
        unknown.delete(userId);
      }
    }
    if (unknown.size === 0 || this.locateElsewhere === undefined) return;
    for (const [userId, region] of await this.locateElsewhere([...unknown])) this.directory.place(userId, region);
  }

  keyOf(userId: string): Buffer | undefined {
    return this.keysOf(userId)?.keyOf(userId);
  }

  async ensure(userIds: Iterable<string>): Promise<void> {
    const ids = [...userIds];
    await this.prepare(ids);
    const byRegion = new Map<string, string[]>();
    for (const userId of ids) {
      pushTo(byRegion, this.directory.assign(userId), userId);
    }
    for (const [region, group] of byRegion) await this.keys.get(region)!.ensure(group);
  }

  evict(userId: string): void {
    this.keysOf(userId)?.evict(userId);
  }

  async destroy(userId: string): Promise<boolean> {
    return (await this.keysOf(userId)?.destroy(userId)) ?? false;
  }

  async close(): Promise<void> {
    for (const k of this.keys.values()) await k.close();
  }
}

function pushTo<K>(groups: Map<K, string[]>, key: K, userId: string): void {
  const group = groups.get(key);
  if (group === undefined) groups.set(key, [userId]);
  else group.push(userId);
}
