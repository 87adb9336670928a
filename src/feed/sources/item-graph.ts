import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { whenPersonalized, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';
import { acceptById, candidatesFrom } from './candidate.ts';

/**
 * The videos the item graph scores best for the person: reached from what they engaged with through the people who
 * engaged with the same videos, through the co-engagement graph's smooth directions, and through content likeness
 * (src/learn/retrained/item-graph.ts).
 */
export class ItemGraphSource implements CandidateSource {
  readonly name = 'item-graph';
  readonly enabled = whenPersonalized;

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const scores = this.models.personGraph(request.user.id);
    if (scores === undefined) return [];
    const learners = this.models.learners;
    const acceptId = acceptById(this.catalog, accept);
    const found = scores.best(limit, (slot) => {
      const video = learners.videoAt(slot);
      return video.active && acceptId(video.id);
    });
    return candidatesFrom(
      this.catalog,
      this.name,
      found.map(({ slot, score }) => ({ videoId: learners.videoAt(slot).id, score })),
      (c) => ({ reason: 'watched by people who watched what you watched', signals: { graphScore: c.score } }),
    );
  }
}
