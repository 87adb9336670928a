import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { whenPersonalized, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';
import { acceptById, candidatesFrom } from './candidate.ts';

/** The newest video of each creator the person follows (one per creator, so one prolific creator cannot fill the feed). */
export class FollowedSource implements CandidateSource {
  readonly name = 'followed';
  readonly enabled = whenPersonalized;

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const learners = this.models.learners;
    const ok = acceptById(this.catalog, accept);
    const found: { videoId: string; creatorId: string }[] = [];
    for (const creatorId of learners.follows(request.user.id)) {
      if (found.length >= limit) break;
      const [videoId] = learners.newestOf(`creator:${creatorId}`, 1, { accept: ok });
      if (videoId !== undefined) found.push({ videoId, creatorId });
    }
    return candidatesFrom(this.catalog, this.name, found, (f) => ({ reason: `new from ${f.creatorId}, whom you follow`, signals: { followed: 1 } }));
  }
}
