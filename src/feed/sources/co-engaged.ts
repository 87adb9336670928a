import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { whenPersonalized, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';
import { acceptById, candidatesFrom } from './candidate.ts';

/** Videos that people who enjoyed the person's recent favourites also enjoyed (Swing co-engagement). */
export class CoEngagedSource implements CandidateSource {
  readonly name = 'co-engaged';
  readonly enabled = whenPersonalized;

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const found = this.models.learners.coEngaged(request.user.id, limit, { accept: acceptById(this.catalog, accept) });
    return candidatesFrom(this.catalog, this.name, found, (c) => ({
      reason: `people who enjoyed ${c.via} also enjoyed this`,
      signals: { coEngagement: c.score },
    }));
  }
}
