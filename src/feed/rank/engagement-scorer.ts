import type { VideoStats } from '../../learn/signals/video-stats.ts';
import type { Candidate, FeedRequest, Scorer } from '../pipeline.ts';

/** Orders candidates by trending engagement, with a lift for creators the person follows. */
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
      c.score = trending + followed;
      c.signals.trending = trending;
    }
  }
}
