import type { VideoStats } from '../../learn/signals/video-stats.ts';
import type { Candidate, FeedRequest, Scorer } from '../pipeline.ts';

/**
 * Orders candidates by trending engagement, squashed into [0, 1) so that the lift for creators the
 * person follows (1 by default) puts their new videos ahead of anything trending.
 */
export class EngagementScorer implements Scorer {
  readonly name = 'engagement';

  constructor(
    private readonly stats: VideoStats,
    private readonly followedBoost: number,
  ) {}

  score(request: FeedRequest, candidates: Candidate[]): void {
    for (const c of candidates) {
      const trending = this.stats.trendingScore(c.video.id, request.now);
      const followed = request.state?.follows.has(c.video.creatorId) ? this.followedBoost : 0;
      c.score = trending / (trending + 1) + followed;
      c.signals.trending = trending;
    }
  }
}
