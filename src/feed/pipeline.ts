/**
 * A feed is a declared pipeline of small named stages, in the shape of Twitter's product mixer:
 * candidate sources propose videos, filters veto them, a scorer orders them, a re-ranker picks the page.
 */
import type { User, Video } from '../core/types.ts';
import type { UserState } from '../learn/signals/user-state.ts';

export interface FeedRequest {
  user: User;
  /** The person's interaction state; absent when the feed must not use personal data. */
  state: UserState | undefined;
  /** Videos already served to the person: kept apart from `state` since even an unprofiled feed must not repeat itself. */
  seen: ReadonlySet<string>;
  n: number;
  now: number;
  /** Seeded per request so a page can be reproduced from its session and position. */
  random: () => number;
}

export interface Candidate {
  video: Video;
  /** The source that proposed it first. */
  source: string;
  score: number;
  reasons: string[];
  /** Named figures behind the score, shown with `explain=1`. */
  signals: Record<string, number>;
}

export interface CandidateSource {
  readonly name: string;
  /** Up to `limit` candidates that `accept` lets through. */
  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[];
  /** Drops anything kept about the person (a source that caches per person must implement it). */
  forgetUser?(userId: string): void;
}

export interface Filter {
  readonly name: string;
  keep(request: FeedRequest, video: Video): boolean;
}

export interface Scorer {
  readonly name: string;
  score(request: FeedRequest, candidates: Candidate[]): void;
}

export interface Reranker {
  readonly name: string;
  select(request: FeedRequest, candidates: Candidate[]): Candidate[];
}

export interface PipelineStages {
  sources: { source: CandidateSource; limit: (n: number) => number }[];
  /** Asked only when the sources together proposed fewer than a page. */
  fallback: CandidateSource;
  filters: Filter[];
  scorer: Scorer;
  reranker: Reranker;
}

const FALLBACK_HEADROOM = 3;

export class FeedPipeline {
  constructor(readonly stages: PipelineStages) {}

  forgetUser(userId: string): void {
    for (const { source } of this.stages.sources) source.forgetUser?.(userId);
  }

  /**
   * Builds a page. `exhausted` is true when even the fallback found too little: the person has seen
   * everything the filters let through, and only starting the catalog over can fill the page.
   */
  run(request: FeedRequest): { page: Candidate[]; exhausted: boolean } {
    const { sources, fallback, filters, scorer, reranker } = this.stages;
    const byId = new Map<string, Candidate>();
    const accept = (video: Video) => !byId.has(video.id) && filters.every((f) => f.keep(request, video));
    for (const { source, limit } of sources) {
      for (const candidate of source.fetch(request, limit(request.n), accept)) byId.set(candidate.video.id, candidate);
    }
    let exhausted = false;
    if (byId.size < FALLBACK_HEADROOM * request.n) {
      // Headroom beyond one page, so the re-ranker's diversity rules can still fill it.
      const wanted = FALLBACK_HEADROOM * request.n - byId.size;
      const found = fallback.fetch(request, wanted, accept);
      for (const candidate of found) byId.set(candidate.video.id, candidate);
      exhausted = found.length < wanted && byId.size < request.n;
    }
    const candidates = [...byId.values()];
    scorer.score(request, candidates);
    return { page: reranker.select(request, candidates), exhausted };
  }
}
