import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate, CandidateSource, FeedRequest } from '../pipeline.ts';

/** The newest videos of the creators the person follows. */
export class FollowedSource implements CandidateSource {
  readonly name = 'followed';

  constructor(private readonly catalog: Catalog) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const out: Candidate[] = [];
    for (const creatorId of request.state?.follows ?? []) {
      for (const video of this.catalog.byCreator.get(creatorId)) {
        if (out.length >= limit) return out;
        if (!accept(video)) continue;
        out.push({ video, source: this.name, score: 0, reasons: [`from ${creatorId}, whom you follow`], signals: { followed: 1 } });
        break; // one per creator per page keeps one prolific creator from filling the feed
      }
    }
    return out;
  }
}
