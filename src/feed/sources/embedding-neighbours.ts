import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { whenPersonalized, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';
import { acceptById, candidatesFrom } from './candidate.ts';

/**
 * Videos whose learned item vector is nearest the person's learned vector (the two-tower factorisation; a video
 * nobody has watched yet is placed by its content). An HNSW graph answers for large catalogs, brute force below.
 */
export class EmbeddingNeighboursSource implements CandidateSource {
  readonly name = 'embedding';
  readonly enabled = whenPersonalized;

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const found = this.models.learners.nearestVideos(request.user.id, limit, { accept: acceptById(this.catalog, accept) });
    return candidatesFrom(this.catalog, this.name, found, (c) => ({
      reason: `close to your taste as learned from what you watched (match ${c.score.toFixed(2)})`,
      signals: { embeddingSimilarity: c.score },
    }));
  }
}
