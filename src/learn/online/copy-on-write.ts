/**
 * What a frozen snapshot shares with the live state (see encoding.ts). A part freezes a map by taking its
 * entries as they are (`entriesNow`: a pointer per entry, several times cheaper than copying the Map), and
 * from then on copies a value before first changing it in place (`CopyOnWrite.mustCopy`), so the frozen
 * entries keep the values they had.
 */

/** A map's keys and values as they are now, in its order. */
export function entriesNow<K, V>(map: ReadonlyMap<K, V>): { keys: K[]; values: V[] } {
  const keys = new Array<K>(map.size);
  const values = new Array<V>(map.size);
  let i = 0;
  map.forEach((value, key) => {
    keys[i] = key;
    values[i++] = value;
  });
  return { keys, values };
}

export class CopyOnWrite<K> {
  /** While frozen: the keys whose live value is already a copy of their own. */
  private copied: Set<K> | undefined;

  /** The map's entries as they are now; from now until `thaw`, `mustCopy` tells which values to copy before changing them. */
  freeze<V>(map: ReadonlyMap<K, V>): { keys: K[]; values: V[] } {
    this.copied = new Set();
    return entriesNow(map);
  }

  thaw(): void {
    this.copied = undefined;
  }

  /** Whether the value under `key` may be shared with the frozen entries and must be copied before it changes: true once per key. */
  mustCopy(key: K): boolean {
    if (this.copied === undefined || this.copied.has(key)) return false;
    this.copied.add(key);
    return true;
  }
}
