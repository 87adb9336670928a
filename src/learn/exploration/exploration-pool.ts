/**
 * The exploration pool: new videos looking for an audience. Each gets a small guaranteed audience (served
 * `guaranteedAudience` times, drawn uniformly); after that it keeps a share of exploration only while it earns
 * it: among a random handful of pool videos, the ones with the best Thompson draws from the posteriors of their
 * completion and like rates are proposed, so a video that is watched through and liked is shown more and one
 * that is not fades out. At `maxAudience` it leaves the pool and competes with everything else.
 *
 * Served counts come from the serving record; completions and likes from the event log.
 */
import { IndexedSet } from '../../core/indexed-set.ts';
import type { Video, WatchEvent } from '../../core/types.ts';
import type { ByteReader, ByteWriter } from '../online/bytes.ts';
import { sampleBeta } from './beta-sample.ts';
import { ROWS_PER_YIELD, type Encoding } from '../online/encoding.ts';
import { runAll } from '../../core/slices.ts';
import { CopyOnWrite } from '../online/copy-on-write.ts';

export interface ExplorationOptions {
  /** Times a new video is served before it has to earn more exposure. */
  guaranteedAudience: number;
  /** Times served after which a video leaves the pool. */
  maxAudience: number;
  /** A play of at least this share of the video counts as a completion. */
  completionRatio: number;
  /** Weight of the sampled like rate next to the sampled completion rate. */
  likeWeight: number;
}

export interface ExplorationCandidate {
  videoId: string;
  /** `guaranteed` while it has not had its guaranteed audience, then `earned`. */
  tier: 'guaranteed' | 'earned';
  served: number;
  completions: number;
  likes: number;
  /** The Thompson draw that ranked it (0 in the guaranteed tier). */
  draw: number;
}

interface Outcomes {
  served: number;
  completions: number;
  likes: number;
}

// Beta priors: about one completion in four and one like in twenty before any evidence.
const COMPLETION_PRIOR = [1, 3] as const;
const LIKE_PRIOR = [0.5, 9.5] as const;
/** Pool videos drawn at random per request among which the Thompson draws compete. */
const CONTENDERS_PER_SLOT = 8;

export class ExplorationPool {
  private readonly outcomes = new Map<string, Outcomes>();
  /** While a snapshot is frozen, outcomes it may share are copied before they change. */
  private readonly copies = new CopyOnWrite<string>();
  private readonly guaranteed = new IndexedSet();
  private readonly earning = new IndexedSet();

  constructor(private readonly options: ExplorationOptions) {}

  get size(): number {
    return this.guaranteed.size + this.earning.size;
  }

  /** Adds an active video not yet past its exploration; a removed one leaves the pool. */
  put(video: Video): void {
    if (video.status !== 'active') {
      this.remove(video.id);
      return;
    }
    const o = this.entry(video.id);
    this.place(video.id, o.served);
  }

  remove(videoId: string): void {
    this.guaranteed.delete(videoId);
    this.earning.delete(videoId);
  }

  /** Whether the video is still looking for its audience. */
  has(videoId: string): boolean {
    return this.guaranteed.has(videoId) || this.earning.has(videoId);
  }

  /** One more serving of the video. */
  served(videoId: string): void {
    const o = this.entry(videoId);
    o.served++;
    if (this.guaranteed.has(videoId) || this.earning.has(videoId)) this.place(videoId, o.served);
  }

  /** Completions and likes, counted for every video (a video may re-enter through `put` with its history). */
  observe(event: WatchEvent, video: Video): void {
    const completed = event.type === 'play' && (event.watchMs ?? 0) >= this.options.completionRatio * video.durationMs;
    if (!completed && event.type !== 'like') return;
    this.addOutcomes(video.id, completed ? 1 : 0, completed ? 0 : 1);
    this.onOutcomes?.(video.id, completed ? 1 : 0, completed ? 0 : 1);
  }

  /** Told of every outcome counted while a model delta is being recorded. */
  onOutcomes: ((videoId: string, completions: number, likes: number) => void) | undefined;

  /** Counts completions and likes (this node's events, or another replica's increments). */
  addOutcomes(videoId: string, completions: number, likes: number): void {
    const o = this.entry(videoId);
    o.completions += completions;
    o.likes += likes;
  }

  /** The videos still in the pool, most served first, with how each is doing (the console's exploration view). */
  standing(limit: number): { guaranteed: number; earning: number; videos: Omit<ExplorationCandidate, 'draw'>[] } {
    const videos = [...this.guaranteed.values(), ...this.earning.values()]
      .map((videoId) => {
        const { draw: _draw, ...rest } = this.describe(videoId, this.guaranteed.has(videoId) ? 'guaranteed' : 'earned', 0);
        return rest;
      })
      .sort((a, b) => b.served - a.served || a.videoId.localeCompare(b.videoId))
      .slice(0, limit);
    return { guaranteed: this.guaranteed.size, earning: this.earning.size, videos };
  }

  servedCount(videoId: string): number {
    return this.outcomes.get(videoId)?.served ?? 0;
  }

  /** Up to `k` exploration candidates: about half guaranteed, half earned by Thompson sampling. */
  candidates(k: number, accept: (videoId: string) => boolean, random: () => number): ExplorationCandidate[] {
    const out: ExplorationCandidate[] = [];
    const taken = new Set<string>();
    const guaranteedWanted = this.earning.size === 0 ? k : Math.ceil(k / 2);
    // Bounded tries: when most of the pool is filtered out for this person, give up rather than scan it all.
    for (let tries = 0; out.length < guaranteedWanted && tries < 8 * k && this.guaranteed.size > 0; tries++) {
      const id = this.guaranteed.at(Math.floor(random() * this.guaranteed.size));
      if (taken.has(id) || !accept(id)) continue;
      taken.add(id);
      out.push(this.describe(id, 'guaranteed', 0));
    }
    const contenders: ExplorationCandidate[] = [];
    for (let tries = 0; contenders.length < CONTENDERS_PER_SLOT * (k - out.length) && tries < 8 * CONTENDERS_PER_SLOT * k && this.earning.size > 0; tries++) {
      const id = this.earning.at(Math.floor(random() * this.earning.size));
      if (taken.has(id) || !accept(id)) continue;
      taken.add(id);
      const o = this.outcomes.get(id)!;
      const completion = sampleBeta(COMPLETION_PRIOR[0] + o.completions, COMPLETION_PRIOR[1] + Math.max(o.served - o.completions, 0), random);
      const like = sampleBeta(LIKE_PRIOR[0] + o.likes, LIKE_PRIOR[1] + Math.max(o.served - o.likes, 0), random);
      contenders.push(this.describe(id, 'earned', completion + this.options.likeWeight * like));
    }
    contenders.sort((a, b) => b.draw - a.draw);
    for (const c of contenders) {
      if (out.length >= k) break;
      out.push(c);
    }
    return out;
  }

  private describe(videoId: string, tier: ExplorationCandidate['tier'], draw: number): ExplorationCandidate {
    const o = this.outcomes.get(videoId)!;
    return { videoId, tier, served: o.served, completions: o.completions, likes: o.likes, draw };
  }

  private entry(videoId: string): Outcomes {
    let o = this.outcomes.get(videoId);
    if (o === undefined || this.copies.mustCopy(videoId)) {
      o = { served: 0, completions: 0, likes: 0, ...o };
      this.outcomes.set(videoId, o);
    }
    return o;
  }

  private place(videoId: string, served: number): void {
    this.remove(videoId);
    if (served < this.options.guaranteedAudience) this.guaranteed.add(videoId);
    else if (served < this.options.maxAudience) this.earning.add(videoId);
  }

  /** The event-derived outcomes (served counts are rebuilt from the serving record, so they are not written). */
  write(w: ByteWriter): void {
    runAll(this.freeze()(w));
  }

  /** The outcomes as they are now, to encode later; until `thaw`, outcomes are copied before they change. */
  freeze(): (w: ByteWriter) => Encoding {
    const frozen = this.copies.freeze(this.outcomes);
    return (w) => encodeOutcomes(frozen, w);
  }

  thaw(): void {
    this.copies.thaw();
  }

  read(r: ByteReader): void {
    for (let i = r.u32(); i > 0; i--) {
      const o = this.entry(r.str());
      o.completions = r.u32();
      o.likes = r.u32();
    }
  }
}

function* encodeOutcomes(outcomes: { keys: string[]; values: Outcomes[] }, w: ByteWriter): Encoding {
  const { keys, values } = outcomes;
  // Sorted by id: the bytes do not depend on the order videos and events arrived in.
  const observed = keys.map((_, i) => i).filter((i) => values[i]!.completions + values[i]!.likes > 0);
  observed.sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  yield;
  w.u32(observed.length);
  for (let n = 0; n < observed.length; n++) {
    const o = values[observed[n]!]!;
    w.str(keys[observed[n]!]!);
    w.u32(o.completions);
    w.u32(o.likes);
    if ((n + 1) % ROWS_PER_YIELD === 0) yield;
  }
}
