import type { Video } from '../../core/types.ts';
import type { VideoStats } from '../../learn/signals/video-stats.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate, CandidateSource, FeedRequest } from '../pipeline.ts';

/** New videos that have not yet had their guaranteed audience, drawn at random from the fresh pool. */
export class FreshSource implements CandidateSource {
  readonly name = 'fresh';

  constructor(
    private readonly catalog: Catalog,
    private readonly stats: VideoStats,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const pool = this.catalog.fresh;
    const out: Candidate[] = [];
    // Bounded tries: when most of the pool is filtered out for this person, give up rather than scan it all.
    for (let tries = 0; out.length < limit && tries < limit * 8 && pool.size > 0; tries++) {
      const video = this.catalog.get(pool.at(Math.floor(request.random() * pool.size)));
      if (video === undefined || !accept(video)) continue;
      const served = this.stats.get(video.id)?.served ?? 0;
      out.push({
        video,
        source: this.name,
        score: 0,
        reasons: [`fresh: new video, served ${served} times so far`],
        signals: { served },
      });
    }
    return out;
  }
}
