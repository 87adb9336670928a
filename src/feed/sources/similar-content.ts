import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate, CandidateSource, FeedRequest } from '../pipeline.ts';

/** Videos whose content embedding is closest to the person's interest vector. */
export class SimilarContentSource implements CandidateSource {
  readonly name = 'similar';

  constructor(private readonly catalog: Catalog) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const direction = request.state?.interest.direction();
    if (direction === undefined) return [];
    const out: Candidate[] = [];
    // Over-fetch: some of the nearest are already seen or filtered out.
    for (const { id, similarity } of this.catalog.embeddings.nearest(direction, limit * 4)) {
      if (out.length >= limit || similarity <= 0) break;
      const video = this.catalog.get(id);
      if (video === undefined || !accept(video)) continue;
      out.push({ video, source: this.name, score: 0, reasons: [`close to what you enjoyed (similarity ${similarity.toFixed(2)})`], signals: { similarity } });
    }
    return out;
  }
}
