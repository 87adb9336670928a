/**
 * Candidate generators over the learned state: nearest videos by embedding, co-engaged videos (Swing), the
 * newest videos of a person's strongest affinities or of one key, and the slots the item graph works in.
 */
import type { LearnedParts } from './learned-parts.ts';
import type { GraphTrainingData } from '../retrained/item-graph.ts';

type GraphRows = Omit<GraphTrainingData, 'options'>;

const AFFINITY_GROUPS = [
  { prefix: 'creator:', top: 5 },
  { prefix: 'hashtag:', top: 5 },
  { prefix: 'sound:', top: 3 },
] as const;

export interface VideoCandidate {
  videoId: string;
  score: number;
  /** Why it was proposed: the recent positive it is co-engaged with, or the affinity key (e.g. "creator:c1"). */
  via?: string;
}

export interface CandidateOptions {
  /** Only videos this accepts are returned (the feed's filters). */
  accept?: (videoId: string) => boolean;
}

/** What the feed's sources read to propose videos. */
export interface LearnedCandidates {
  nearestVideos(userId: string, k: number, options?: CandidateOptions & { exact?: boolean }): VideoCandidate[];
  coEngaged(userId: string, k: number, options?: CandidateOptions): VideoCandidate[];
  coEngagedWith(videoId: string, k: number, options?: CandidateOptions): VideoCandidate[];
  affinityCandidates(userId: string, k: number, options?: CandidateOptions): VideoCandidate[];
  newestOf(key: string, k: number, options?: CandidateOptions): string[];
  slotOf(videoId: string): number | undefined;
  videoAt(slot: number): { id: string; active: boolean };
}

export class Candidates implements LearnedCandidates {
  constructor(private readonly parts: LearnedParts) {}

  /**
   * The person's query vector: their own row once admitted, else the centroid of their recent positives' item
   * vectors, else undefined (nothing known yet).
   */
  private queryVector(userId: string): Float32Array | undefined {
    const { users } = this.parts.factorization;
    const row = users.row(userId);
    if (row !== undefined) return users.vector(row).subarray(0, this.parts.config.dim);
    return this.parts.positivesCentroid(userId);
  }

  /**
   * Videos whose item vector is most similar (cosine) to the person's. Exact brute force below `ann.from`
   * catalog videos or with `exact: true`; the HNSW graph (as of its last sync) above.
   */
  nearestVideos(userId: string, k: number, options: CandidateOptions & { exact?: boolean } = {}): VideoCandidate[] {
    const query = this.queryVector(userId);
    if (query === undefined || k <= 0) return [];
    const norm = Math.hypot(...query);
    if (norm === 0) return [];
    const unit = query.map((x) => x / norm);
    const accept = this.slotFilter(options.accept);
    const { catalog, config, vectors } = this.parts;
    const exact = options.exact === true || catalog.size < config.ann.from;
    const found = exact ? vectors.exact(unit, k, accept) : vectors.approximate(unit, k, accept);
    return found.map(({ slot, similarity }) => ({ videoId: catalog.get(slot).id, score: similarity }));
  }

  /** Videos co-engaged (Swing) with one video, best first: people who engaged with one engaged with the other. */
  coEngagedWith(videoId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    const { swing, catalog } = this.parts;
    const slot = catalog.slot(videoId);
    const list = slot === undefined ? undefined : swing.neighbours(slot);
    if (list === undefined) return [];
    const accept = this.slotFilter(options.accept);
    const found: VideoCandidate[] = [];
    for (let i = 0; i < list.size; i++) {
      const neighbour = list.slots[i]!;
      if (neighbour !== slot && accept(neighbour)) found.push({ videoId: catalog.get(neighbour).id, score: list.scores[i]! });
    }
    return found.sort((a, b) => b.score - a.score || (a.videoId < b.videoId ? -1 : 1)).slice(0, k);
  }

  /** Videos co-engaged (Swing) with the person's recent positives, excluding those positives. */
  coEngaged(userId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    const { swing, catalog } = this.parts;
    const positives = swing.recentPositives(userId);
    const stamp = swing.stamp(positives);
    const totals = new Map<number, { score: number; best: number; via: number }>();
    for (const from of positives) {
      const list = swing.neighbours(from);
      if (list === undefined) continue;
      for (let i = 0; i < list.size; i++) {
        const slot = list.slots[i]!;
        if (swing.isMarked(slot, stamp)) continue;
        const s = list.scores[i]!;
        const entry = totals.get(slot);
        if (entry === undefined) totals.set(slot, { score: s, best: s, via: from });
        else {
          entry.score += s;
          if (s > entry.best) [entry.best, entry.via] = [s, from];
        }
      }
    }
    const accept = this.slotFilter(options.accept);
    return [...totals.entries()]
      .filter(([slot]) => accept(slot))
      .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
      .slice(0, k)
      .map(([slot, t]) => ({ videoId: catalog.get(slot).id, score: t.score, via: catalog.get(t.via).id }));
  }

  /** The newest videos of the person's strongest creators, hashtags and sounds, interleaved across keys. */
  affinityCandidates(userId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    const { taste, newest, catalog, clock } = this.parts;
    const accept = this.slotFilter(options.accept);
    const keys = AFFINITY_GROUPS.flatMap(({ prefix, top }) => taste.top(userId, prefix, top, clock)).sort((a, b) => b.value - a.value);
    const lists = keys.map(({ key, value }) => ({ key, value, slots: newest.get(key), at: 0 }));
    const out: VideoCandidate[] = [];
    const taken = new Set<number>();
    for (let progress = true; out.length < k && progress; ) {
      progress = false;
      for (const list of lists) {
        while (list.at < list.slots.length) {
          const slot = list.slots[list.at++]!;
          if (taken.has(slot) || !accept(slot)) continue;
          taken.add(slot);
          out.push({ videoId: catalog.get(slot).id, score: list.value, via: list.key });
          progress = true;
          break;
        }
        if (out.length >= k) break;
      }
    }
    return out;
  }

  /** The newest active videos of one key ("creator:c1", "hashtag:cats", "sound:s9"), newest first. */
  newestOf(key: string, k: number, options: CandidateOptions = {}): string[] {
    const accept = this.slotFilter(options.accept);
    const out: string[] = [];
    for (const slot of this.parts.newest.get(key)) {
      if (out.length >= k) break;
      if (accept(slot)) out.push(this.parts.catalog.get(slot).id);
    }
    return out;
  }

  /** The person's kept positives by catalog slot, oldest first (a live view: copy it to keep it). */
  positiveSlots(userId: string): readonly number[] {
    return this.parts.swing.keptPositives(userId);
  }

  slotOf(videoId: string): number | undefined {
    return this.parts.catalog.slot(videoId);
  }

  /** The video in a catalog slot, and whether it can still be served. */
  videoAt(slot: number): { id: string; active: boolean } {
    return this.parts.catalog.get(slot);
  }

  /**
   * Everyone's recent positives (Swing's window) as compressed rows over catalog slots, the content vectors while
   * the catalog holds at most `contentUpTo` videos, and everyone's kept positives while it holds at most `keptUpTo`:
   * what the item graph is trained on (src/learn/retrained/). Rows name no one.
   */
  engagementRows(contentUpTo: number, keptUpTo: number): GraphRows {
    const { swing, catalog } = this.parts;
    const rows = (recent: boolean) => {
      const lists = [...swing.everyonesPositives(recent)].filter((list) => list.length > 0);
      const personStart = new Int32Array(lists.length + 1);
      lists.forEach((list, p) => (personStart[p + 1] = personStart[p]! + list.length));
      const videos = new Int32Array(personStart[lists.length]!);
      lists.forEach((list, p) => videos.set(list, personStart[p]!));
      return { personStart, videos };
    };
    const contentDim = catalog.contentDim;
    return {
      videoCount: catalog.size,
      ...rows(true),
      contentDim,
      content: catalog.size <= contentUpTo ? catalog.contentVectors() : new Float32Array(0),
      ...(catalog.size <= keptUpTo ? { easeRows: rows(false) } : {}),
    };
  }

  private slotFilter(accept: ((videoId: string) => boolean) | undefined): (slot: number) => boolean {
    const { catalog } = this.parts;
    return (slot) => {
      const facts = catalog.get(slot);
      return facts.active && (accept === undefined || accept(facts.id));
    };
  }
}
