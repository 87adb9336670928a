import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { always, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';
import { acceptById, candidatesFrom } from './candidate.ts';

/**
 * New videos looking for an audience: each first gets a small guaranteed audience, then more only if Thompson
 * sampling on its completion and like rates says it earned it (see exploration-pool.ts). Reads nothing about the person.
 */
export class ExploreSource implements CandidateSource {
  readonly name = 'explore';
  readonly enabled = always;

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const found = this.models.exploration.candidates(limit, acceptById(this.catalog, accept), request.random);
    return candidatesFrom(this.catalog, this.name, found, (c) => ({
      reason:
        c.tier === 'guaranteed'
          ? `new video finding its audience: served ${c.served} times so far`
          : `new video earning a wider audience: ${c.completions} watched through and ${c.likes} likes in ${c.served} views`,
      signals: { served: c.served, completions: c.completions, likes: c.likes, thompsonDraw: c.draw },
    }));
  }
}
