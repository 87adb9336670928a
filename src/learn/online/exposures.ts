/**
 * Delayed labels. When a video is first shown to (or played by) a person, an exposure opens with the ranker's
 * features as they were at that moment (so training never sees the future); the events that follow set its
 * labels; it closes after a window, or when the person has too many open, and only then trains the ranker.
 * An exposure that closes without a play or any reaction is an impression without a play: a negative.
 */
import type { PersonReader, PersonWriter } from './person-bytes.ts';
import { ROWS_PER_YIELD, type Encoding } from './encoding.ts';
import { runAll } from '../../core/slices.ts';
import { CopyOnWrite, entriesNow } from './copy-on-write.ts';
import { VectorSlab } from './vector-slab.ts';

export const PLAYED = 1;
export const LIKED = 2;
export const SHARED = 4;
export const COMMENTED = 8;
export const FOLLOWED = 16;
export const SKIPPED = 32;
export const REJECTED = 64;

export interface Exposure {
  slot: number;
  openedAt: number;
  features: Float32Array;
  /** Best relative watch among its plays (0 when not played). */
  relativeWatch: number;
  flags: number;
}

const NONE: Exposure[] = [];

/** Where every exposure's features are kept (chunks of about 300 vectors). */
const featureSlab = new VectorSlab(8192);
export const newFeatures = (length: number): Float32Array => featureSlab.take(length);

export class OpenExposures {
  private readonly byUser = new Map<string, Exposure[]>();
  /** While a snapshot is frozen, a list it may share is copied, exposures and all, before it changes. */
  private readonly copies = new CopyOnWrite<string>();

  constructor(
    private readonly windowMs: number,
    private readonly perUser: number,
  ) {}

  /** The open exposure of this video to this person, to change (its labels). */
  find(userId: string, slot: number): Exposure | undefined {
    const list = this.byUser.get(userId);
    if (list === undefined || !list.some((e) => e.slot === slot)) return undefined;
    return this.toChange(userId, list).find((e) => e.slot === slot);
  }

  /** Opens an exposure; returns the ones it pushed out (oldest first). */
  open(userId: string, exposure: Exposure): Exposure[] {
    const list = this.toChange(userId, this.byUser.get(userId));
    list.push(exposure);
    return list.length > this.perUser ? list.splice(0, list.length - this.perUser) : [];
  }

  /** The person's list, theirs alone to change: a copy when a frozen snapshot shares it. */
  private toChange(userId: string, list: Exposure[] | undefined): Exposure[] {
    if (list !== undefined && !this.copies.mustCopy(userId)) return list;
    const own = list?.map((e) => ({ ...e })) ?? [];
    this.byUser.set(userId, own);
    return own;
  }

  /** Closes the person's exposures opened more than a window before `now`. */
  closeExpired(userId: string, now: number): Exposure[] {
    const list = this.byUser.get(userId);
    const cutoff = now - this.windowMs;
    if (list === undefined) return NONE;
    let expired = false;
    for (const e of list) expired ||= e.openedAt < cutoff;
    if (!expired) return NONE;
    const closed = list.filter((e) => e.openedAt < cutoff);
    const open = list.filter((e) => e.openedAt >= cutoff);
    if (open.length === 0) this.byUser.delete(userId);
    else this.byUser.set(userId, open);
    return closed;
  }

  /** Closes every expired exposure, person by person in the order they first appeared. */
  closeAllExpired(now: number): { userId: string; exposure: Exposure }[] {
    const out: { userId: string; exposure: Exposure }[] = [];
    for (const userId of [...this.byUser.keys()]) for (const exposure of this.closeExpired(userId, now)) out.push({ userId, exposure });
    return out;
  }

  forget(userId: string): void {
    this.byUser.delete(userId);
  }

  /** The person's open exposures, oldest first. */
  of(userId: string): readonly Exposure[] {
    return this.byUser.get(userId) ?? NONE;
  }

  /** Replaces the person's open exposures (their owner's copy of them, on a restart). */
  set(userId: string, list: Exposure[]): void {
    if (list.length === 0) this.byUser.delete(userId);
    else this.byUser.set(userId, list);
  }

  has(userId: string): boolean {
    return this.byUser.has(userId);
  }

  write(out: PersonWriter): void {
    runAll(encodeExposures(entriesNow(this.byUser), out));
  }

  /** The lists as they are now, to encode later; until `thaw`, a list is copied before it changes. */
  freeze(): (out: PersonWriter) => Encoding {
    const frozen = this.copies.freeze(this.byUser);
    return (out) => encodeExposures(frozen, out);
  }

  thaw(): void {
    this.copies.thaw();
  }

  static read(input: PersonReader, windowMs: number, perUser: number): OpenExposures {
    const exposures = new OpenExposures(windowMs, perUser);
    const users = input.shared.u32();
    for (let u = 0; u < users; u++) {
      const r = input.next();
      const userId = r.str();
      exposures.byUser.set(
        userId,
        Array.from({ length: r.u32() }, () => ({ slot: r.u32(), openedAt: r.f64(), features: r.f32Into(newFeatures), relativeWatch: r.f64(), flags: r.u32() })),
      );
    }
    return exposures;
  }
}

function* encodeExposures(byUser: { keys: string[]; values: (readonly Exposure[])[] }, out: PersonWriter): Encoding {
  const { keys, values } = byUser;
  out.shared.u32(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const list = values[i]!;
    const w = out.of(keys[i]!);
    w.str(keys[i]!);
    w.u32(list.length);
    for (const e of list) {
      w.u32(e.slot);
      w.f64(e.openedAt);
      w.array(e.features);
      w.f64(e.relativeWatch);
      w.u32(e.flags);
    }
    if ((i + 1) % ROWS_PER_YIELD === 0) yield;
  }
}
