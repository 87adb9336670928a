/**
 * The facts about videos the learners need (creator, sound, hashtags, duration, upload time, content vector),
 * each video under a small integer slot that the co-engagement lists, counters and vector index share.
 * Slots are never reused, so a removed video keeps its slot and is only marked inactive.
 */
import type { Video } from '../../core/types.ts';
import type { ByteReader, ByteWriter } from './bytes.ts';
import { inOneStep, ROWS_PER_YIELD, type Encoding } from './encoding.ts';
import { FrozenPages } from './frozen-pages.ts';
import { runAll } from '../../core/slices.ts';
import { keysOf } from './newest-by-key.ts';
import { allFloat32 } from '../../core/float32.ts';
import { droppedUpdates } from './finite.ts';

export interface VideoFacts {
  id: string;
  creatorId: string;
  soundId: string;
  hashtags: string[];
  durationMs: number;
  createdAt: number;
  active: boolean;
  hasContent: boolean;
  /** Its affinity keys ("creator:…", "hashtag:…", "sound:…"), derived once. */
  keys: string[];
}

export class VideoCatalog {
  private readonly slots = new Map<string, number>();
  private readonly facts: VideoFacts[] = [];
  /** Unit-length content vectors by slot (zeros when a video has none). */
  private content: Float32Array;
  private readonly frozenContent = new FrozenPages<Float32Array>();
  /** Where `holds` puts an upload's unit vector to compare it (a start compares every stored video). */
  private readonly unitScratch: Float32Array;

  constructor(readonly contentDim: number) {
    this.content = new Float32Array(1024 * contentDim);
    this.unitScratch = new Float32Array(contentDim);
  }

  get size(): number {
    return this.facts.length;
  }

  slot(id: string): number | undefined {
    return this.slots.get(id);
  }

  get(slot: number): VideoFacts {
    return this.facts[slot]!;
  }

  /** A copy of every video's content vector, slot-major. */
  contentVectors(): Float32Array {
    return this.content.slice(0, this.facts.length * this.contentDim);
  }

  /** Whether every content vector holds finite numbers only. */
  holdsFiniteOnly(): boolean {
    return allFloat32(this.content);
  }

  contentOf(slot: number): Float32Array {
    return this.content.subarray(slot * this.contentDim, (slot + 1) * this.contentDim);
  }

  /** Adds or updates a video; returns its slot and whether it is new. */
  put(video: Video): { slot: number; added: boolean } {
    let slot = this.slots.get(video.id);
    const added = slot === undefined;
    if (slot === undefined) {
      slot = this.facts.length;
      this.slots.set(video.id, slot);
      if ((slot + 1) * this.contentDim > this.content.length) {
        const grown = new Float32Array(this.content.length * 2);
        grown.set(this.content);
        this.content = grown;
      }
    }
    const embedding = video.embedding?.length === this.contentDim ? usableEmbedding(video) : undefined;
    this.facts[slot] = {
      id: video.id,
      creatorId: video.creatorId,
      soundId: video.soundId,
      hashtags: [...video.hashtags],
      durationMs: video.durationMs,
      createdAt: video.createdAt,
      active: video.status !== 'removed',
      hasContent: embedding !== undefined,
      keys: keysOf(video),
    };
    this.frozenContent.beforeChange(this.content, slot * this.contentDim, (slot + 1) * this.contentDim);
    const target = this.contentOf(slot);
    if (embedding === undefined) target.fill(0);
    else unitAsStored(embedding, target);
    return { slot, added };
  }

  /**
   * Whether `put(video)` would change nothing: the slot holds these very facts and content vector. A start
   * from a snapshot meets every stored video again, and most are unchanged since the snapshot was written.
   */
  holds(video: Video): boolean {
    const slot = this.slots.get(video.id);
    if (slot === undefined) return false;
    const facts = this.facts[slot]!;
    const same =
      facts.creatorId === video.creatorId &&
      facts.soundId === video.soundId &&
      facts.durationMs === video.durationMs &&
      facts.createdAt === video.createdAt &&
      facts.active === (video.status !== 'removed') &&
      facts.hashtags.length === video.hashtags.length &&
      facts.hashtags.every((tag, i) => tag === video.hashtags[i]);
    if (!same) return false;
    const content = this.contentOf(slot);
    const embedding = video.embedding;
    if (embedding?.length !== this.contentDim) return !facts.hasContent && content.every((x) => x === 0);
    if (!facts.hasContent) return false;
    // The same arithmetic as `put`, so an unchanged embedding compares equal bit for bit.
    const unit = unitAsStored(embedding, this.unitScratch);
    for (let i = 0; i < unit.length; i++) if (unit[i] !== content[i]) return false;
    return true;
  }

  deactivate(id: string): number | undefined {
    const slot = this.slots.get(id);
    // Replaced rather than changed in place: a frozen copy of the catalog shares the facts objects.
    if (slot !== undefined) this.facts[slot] = { ...this.facts[slot]!, active: false };
    return slot;
  }

  write(w: ByteWriter): void {
    const content = this.content.subarray(0, this.facts.length * this.contentDim);
    runAll(encodeCatalog(w, this.facts, (w) => inOneStep(() => w.array(content))));
  }

  /**
   * The catalog as it is now, to encode later: facts are never changed in place, so copying the list is enough;
   * until `thaw`, a page of the content vectors is copied before it changes.
   */
  freeze(): (w: ByteWriter) => Encoding {
    const facts = this.facts.slice();
    const content = this.frozenContent.freeze(this.content, facts.length * this.contentDim);
    return (w) => encodeCatalog(w, facts, content);
  }

  thaw(): void {
    this.frozenContent.thaw();
  }

  static read(r: ByteReader, contentDim: number): VideoCatalog {
    const catalog = new VideoCatalog(contentDim);
    const count = r.u32();
    for (let slot = 0; slot < count; slot++) {
      const id = r.str();
      const creatorId = r.str();
      const soundId = r.str();
      const hashtags = r.strings();
      const durationMs = r.f64();
      const createdAt = r.f64();
      const flags = r.u8();
      const keys = keysOf({ creatorId, hashtags, soundId });
      catalog.facts.push({ id, creatorId, soundId, hashtags, durationMs, createdAt, active: (flags & 1) !== 0, hasContent: (flags & 2) !== 0, keys });
      catalog.slots.set(id, slot);
    }
    catalog.content = r.f32(Math.max(1024, count) * contentDim);
    return catalog;
  }
}

function* encodeCatalog(w: ByteWriter, facts: readonly VideoFacts[], content: (w: ByteWriter) => Encoding): Encoding {
  w.u32(facts.length);
  let rows = 0;
  for (const f of facts) {
    w.str(f.id);
    w.str(f.creatorId);
    w.str(f.soundId);
    w.strings(f.hashtags);
    w.f64(f.durationMs);
    w.f64(f.createdAt);
    w.u8((f.active ? 1 : 0) | (f.hasContent ? 2 : 0));
    if (++rows % ROWS_PER_YIELD === 0) yield;
  }
  yield* content(w);
}

/**
 * The embedding scaled to unit length from its float32 components, as the stores keep it: a video put from an
 * upload (JSON numbers) and the same video read back from the store after a restart hold the same bits, so a
 * start finds it unchanged rather than putting it again.
 */
function unitAsStored(embedding: readonly number[], into: Float32Array): Float32Array {
  let squares = 0;
  for (let i = 0; i < into.length; i++) squares += Math.fround(embedding[i]!) ** 2;
  const norm = Math.sqrt(squares) || 1;
  for (let i = 0; i < into.length; i++) into[i] = Math.fround(embedding[i]!) / norm;
  return into;
}

/** The video's content vector, or undefined (the video is learned without one) when it holds a number float32 cannot. */
function usableEmbedding(video: Video): readonly number[] | undefined {
  // Float32-range numbers cannot make the norm overflow, so this is all a unit vector needs.
  if (allFloat32(video.embedding!)) return video.embedding;
  droppedUpdates.drop('video embedding', `the content embedding of video '${video.id}'`);
  return undefined;
}
