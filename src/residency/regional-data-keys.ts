/** People's data keys kept in their own region, beside that region's events. */
import type { DataKeys, PersonKeys } from '../trust/crypto/data-keys.ts';
import type { PeopleDirectory } from './people-directory.ts';

export class RegionalDataKeys implements PersonKeys {
  constructor(
    private readonly keys: ReadonlyMap<string, DataKeys>,
    private readonly directory: PeopleDirectory,
  ) {}

  private keysOf(userId: string): DataKeys | undefined {
    const region = this.directory.regionOf(userId);
    return region === undefined ? undefined : this.keys.get(region);
  }

  /** Nothing to do: each region's table answers `keyOf` directly. */
  async prepare(): Promise<void> {}

  keyOf(userId: string): Buffer | undefined {
    return this.keysOf(userId)?.keyOf(userId);
  }

  ensure(userIds: Iterable<string>): void {
    const byRegion = new Map<string, string[]>();
    for (const userId of userIds) {
      const region = this.directory.assign(userId);
      byRegion.set(region, [...(byRegion.get(region) ?? []), userId]);
    }
    for (const [region, ids] of byRegion) this.keys.get(region)!.ensure(ids);
  }

  evict(userId: string): void {
    this.keysOf(userId)?.evict(userId);
  }

  destroy(userId: string): boolean {
    return this.keysOf(userId)?.destroy(userId) ?? false;
  }

  count(): number {
    return [...this.keys.values()].reduce((sum, k) => sum + k.count(), 0);
  }

  close(): void {
    for (const k of this.keys.values()) k.close();
  }
}
