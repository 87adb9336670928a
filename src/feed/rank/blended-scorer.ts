import type { FeedConfig } from '../../app/config.ts';
import type { VideoStats } from '../../learn/signals/video-stats.ts';
import { affinityKeys } from '../../learn/signals/affinity.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate, FeedRequest, Scorer } from '../pipeline.ts';

/**
 * Scores a candidate as a weighted sum of named signals, each kept for the explanation:
 * trending engagement (squashed into [0, 1)), the person's affinity to its creator, hashtags and sound,
 * the similarity of its content to the person's interest vector, and a lift for followed creators.
 * Without personal state (an unprofiled feed) only trending counts.
 */
export class BlendedScorer implements Scorer {
  readonly name = 'blended';

  constructor(
    private readonly catalog: Catalog,
    private readonly stats: VideoStats,
    private readonly config: Pick<FeedConfig, 'followedBoost' | 'affinityWeight' | 'similarityWeight'>,
  ) {}

  score(request: FeedRequest, candidates: Candidate[]): void {
    const state = request.state;
    const direction = state?.interest.direction();
    for (const c of candidates) {
      const raw = this.stats.trendingScore(c.video.id, request.now);
      const trending = raw / (raw + 1);
      c.signals.trending = trending;
      c.score = trending;
      if (state === undefined) continue;
      const affinity = Math.tanh(affinityKeys(c.video).reduce((sum, key) => sum + state.affinities.get(key, request.now), 0) / 3);
      const similarity = direction === undefined ? 0 : (this.catalog.embeddings.similarity(c.video.id, direction) ?? 0);
      const followed = state.follows.has(c.video.creatorId) ? 1 : 0;
      c.signals.affinity = affinity;
      c.signals.similarity = similarity;
      c.signals.followed = followed;
      c.score += this.config.affinityWeight * affinity + this.config.similarityWeight * similarity + this.config.followedBoost * followed;
    }
  }
}
