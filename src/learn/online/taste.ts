/**
 * Each person's time-decayed affinity to creators, hashtags and sounds ("creator:c1", "hashtag:cats",
 * "sound:s9"), and the creators they follow. An event moves every key of its video, so a "not interested"
 * lowers the creator, the sound and the hashtags, reaching videos that share any of them.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';
import type { PersonReader, PersonWriter } from './person-bytes.ts';
import { decay } from './decay.ts';
import { ROWS_PER_YIELD, type Encoding } from './encoding.ts';
import { runAll } from '../../core/slices.ts';
import { CopyOnWrite, entriesNow } from './copy-on-write.ts';

interface Affinity {
  value: number;
  ts: number;
}

export class Taste {
  readonly affinities = new Map<string, Affinity>();
  readonly follows = new Set<string>();
  /** Creators and sounds ("creator:c1", "sound:s9") the person said "not interested" in or reported: never served again. */
  readonly hidden = new Set<string>();
  lastTs = 0;

  /** A copy sharing nothing that changes in place. */
  copy(): Taste {
    const copy = new Taste();
    for (const [key, a] of this.affinities) copy.affinities.set(key, { ...a });
    for (const creator of this.follows) copy.follows.add(creator);
    for (const key of this.hidden) copy.hidden.add(key);
    copy.lastTs = this.lastTs;
    return copy;
  }
}

export class TasteProfiles {
  private readonly byUser = new Map<string, Taste>();
  /** While a snapshot is frozen, a profile it may share is copied before it changes. */
  private readonly copies = new CopyOnWrite<string>();

  constructor(
    private readonly halfLifeMs: number,
    private readonly keysPerUser: number,
  ) {}

  get size(): number {
    return this.byUser.size;
  }

  get(userId: string): Taste | undefined {
    return this.byUser.get(userId);
  }

  /** The person's profile, to change. */
  private profile(userId: string): Taste {
    let taste = this.byUser.get(userId);
    if (taste === undefined || this.copies.mustCopy(userId)) {
      taste = taste?.copy() ?? new Taste();
      this.byUser.set(userId, taste);
    }
    return taste;
  }

  add(userId: string, keys: readonly string[], delta: number, ts: number): void {
    const taste = this.profile(userId);
    taste.lastTs = Math.max(taste.lastTs, ts);
    for (const key of keys) {
      const a = taste.affinities.get(key);
      if (a === undefined) taste.affinities.set(key, { value: delta, ts });
      else {
        a.value = a.value * decay(ts - a.ts, this.halfLifeMs) + delta;
        a.ts = Math.max(a.ts, ts);
      }
    }
    if (taste.affinities.size > this.keysPerUser) this.prune(taste, ts);
  }

  follow(userId: string, creatorId: string, ts: number): void {
    const taste = this.profile(userId);
    taste.follows.add(creatorId);
    taste.lastTs = Math.max(taste.lastTs, ts);
  }

  /** The person's own "not interested": hides the video's creator and sound from them. */
  hide(userId: string, keys: readonly string[], ts: number): void {
    const taste = this.profile(userId);
    for (const key of keys) taste.hidden.add(key);
    taste.lastTs = Math.max(taste.lastTs, ts);
  }

  value(taste: Taste, key: string, now: number): number {
    const a = taste.affinities.get(key);
    return a === undefined ? 0 : a.value * decay(now - a.ts, this.halfLifeMs);
  }

  /** The strongest positive affinities whose key starts with `prefix`, best first. */
  top(userId: string, prefix: string, count: number, now: number): { key: string; value: number }[] {
    const taste = this.byUser.get(userId);
    if (taste === undefined) return [];
    const out: { key: string; value: number }[] = [];
    for (const [key, a] of taste.affinities) {
      if (!key.startsWith(prefix)) continue;
      const value = a.value * decay(now - a.ts, this.halfLifeMs);
      if (value > 0) out.push({ key, value });
    }
    return out.sort(byStrength).slice(0, count);
  }

  /** Keeps the strongest 80 % (positive or negative) when a profile outgrows its budget. */
  private prune(taste: Taste, now: number): void {
    const ranked = [...taste.affinities.entries()].map(([key, a]) => ({ key, value: Math.abs(a.value * decay(now - a.ts, this.halfLifeMs)) })).sort(byStrength);
    for (const { key } of ranked.slice(Math.floor(this.keysPerUser * 0.8))) taste.affinities.delete(key);
  }

  /** Forgets a person's affinities; `keepChoices` keeps what they chose themselves: follows and hidden creators and sounds. */
  reset(userId: string, keepChoices: boolean): void {
    const old = this.byUser.get(userId);
    this.byUser.delete(userId);
    if (keepChoices && old !== undefined && old.follows.size + old.hidden.size > 0) {
      const fresh = this.profile(userId);
      for (const creator of old.follows) fresh.follows.add(creator);
      for (const key of old.hidden) fresh.hidden.add(key);
      fresh.lastTs = old.lastTs;
    }
  }

  /** Drops profiles untouched since `cutoff`. */
  evict(cutoff: number): void {
    for (const [userId, taste] of this.byUser) if (taste.lastTs < cutoff) this.byUser.delete(userId);
  }

  write(out: PersonWriter): void {
    runAll(encodeProfiles(entriesNow(this.byUser), out));
  }

  /** The profiles as they are now, to encode later; until `thaw`, a profile is copied before it changes. */
  freeze(): (out: PersonWriter) => Encoding {
    const frozen = this.copies.freeze(this.byUser);
    return (out) => encodeProfiles(frozen, out);
  }

  thaw(): void {
    this.copies.thaw();
  }

  static read(input: PersonReader, halfLifeMs: number, keysPerUser: number): TasteProfiles {
    const profiles = new TasteProfiles(halfLifeMs, keysPerUser);
    const users = input.shared.u32();
    for (let u = 0; u < users; u++) {
      const r = input.next();
      readTaste(profiles.profile(r.str()), r);
    }
    return profiles;
  }

  /** One person's profile (or its absence), for a model delta. */
  writeEntry(userId: string, w: ByteWriter): void {
    const taste = this.byUser.get(userId);
    w.u8(taste === undefined ? 0 : 1);
    if (taste !== undefined) writeTaste(taste, w);
  }

  /** Replaces one person's profile with what `writeEntry` wrote. */
  readEntry(userId: string, r: ByteReader): void {
    this.byUser.delete(userId);
    if (r.u8() === 1) readTaste(this.profile(userId), r);
  }
}

function* encodeProfiles(profiles: { keys: string[]; values: Taste[] }, out: PersonWriter): Encoding {
  const { keys, values } = profiles;
  out.shared.u32(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const w = out.of(keys[i]!);
    w.str(keys[i]!);
    writeTaste(values[i]!, w);
    if ((i + 1) % ROWS_PER_YIELD === 0) yield;
  }
}

function writeTaste(taste: Taste, w: ByteWriter): void {
  w.f64(taste.lastTs);
  w.strings([...taste.follows]);
  w.strings([...taste.hidden]);
  w.u32(taste.affinities.size);
  for (const [key, a] of taste.affinities) {
    w.str(key);
    w.f64(a.value);
    w.f64(a.ts);
  }
}

function readTaste(taste: Taste, r: ByteReader): void {
  taste.lastTs = r.f64();
  for (const creator of r.strings()) taste.follows.add(creator);
  for (const key of r.strings()) taste.hidden.add(key);
  for (let k = r.u32(); k > 0; k--) taste.affinities.set(r.str(), { value: r.f64(), ts: r.f64() });
}

/** Strongest first; ties by key so pruning and ordering never depend on insertion history. */
function byStrength(a: { key: string; value: number }, b: { key: string; value: number }): number {
  return b.value - a.value || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
