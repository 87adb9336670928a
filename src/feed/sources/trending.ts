import type { Video } from '../../core/types.ts';
import type { VideoStats } from '../../learn/signals/video-stats.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate, CandidateSource, FeedRequest } from '../pipeline.ts';
import { topK } from '../top-k.ts';

/**
 * Videos ranked by time-decayed engagement. The ranking is recomputed at most once per `refreshMs`
 * and only over videos that have any engagement, so a request never scans the catalog.
 */
export class TrendingSource implements CandidateSource {
  readonly name = 'trending';
  private ranked: string[] = [];
  private rankedAt = -Infinity;

  constructor(
    private readonly catalog: Catalog,
    private readonly stats: VideoStats,
    private readonly options: { refreshMs: number; keep: number },
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    this.refresh(request.now);
    const out: Candidate[] = [];
    for (const id of this.ranked) {
      if (out.length >= limit) break;
      const video = this.catalog.get(id);
      if (video === undefined || !accept(video)) continue;
      const c = this.stats.get(id)!;
      const trending = this.stats.trendingScore(id, request.now);
      out.push({
        video,
        source: this.name,
        score: 0,
        reasons: [`trending: ${c.plays} plays, mean watch ratio ${c.meanWatchRatio().toFixed(2)}, ${c.likes} likes, ${c.shares} shares`],
        signals: { trending },
      });
    }
    return out;
  }

  private refresh(now: number): void {
    if (now - this.rankedAt < this.options.refreshMs) return;
    this.rankedAt = now;
    this.ranked = topK(this.stats.engaged, this.options.keep, (id) => this.stats.trendingScore(id, now));
  }
}
