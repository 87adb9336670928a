import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { always, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';

/**
 * The most popular videos that can be served in the person's region (its own and those published everywhere),
 * from lists recomputed on a timer. Reads nothing about the person but their region.
 */
export class TrendingSource implements CandidateSource {
  readonly name = 'trending';
  readonly enabled = always;

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    return popularIn(this.catalog, this.models, request.user.region, limit, accept, this.name);
  }
}

/** Up to `limit` of the most popular videos servable in `region` that `accept` lets through, best first. */
export function popularIn(
  catalog: Catalog,
  models: LearnedModels,
  region: string,
  limit: number,
  accept: (video: Video) => boolean,
  source = 'trending',
): Candidate[] {
  const out: Candidate[] = [];
  for (const { videoId, popularity } of models.popular.in(region)) {
    if (out.length >= limit) break;
    const video = catalog.get(videoId);
    if (video === undefined || !accept(video)) continue;
    const where = video.region === 'global' ? 'worldwide' : `in ${video.region}`;
    out.push({ video, source, score: 0, reasons: [`popular ${where} lately (popularity ${popularity.toFixed(2)})`], signals: { popularity } });
  }
  return out;
}
