import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import { always, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';

/** Active videos drawn uniformly at random: the floor any learned feed has to beat. */
export class UniformRandomSource implements CandidateSource {
  readonly name = 'random';
  readonly enabled = always;

  constructor(private readonly catalog: Catalog) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const active = this.catalog.active;
    const out: Candidate[] = [];
    // Bounded tries: once the person has seen most of the catalog, the scan fallback finds the rest.
    for (let tries = 0; out.length < limit && tries < limit * 8 && active.size > 0; tries++) {
      const video = this.catalog.get(active.at(Math.floor(request.random() * active.size)));
      if (video === undefined || !accept(video)) continue;
      // A uniform score too, so ranking by it keeps the page in random order.
      out.push({ video, source: this.name, score: 0, reasons: ['random: drawn uniformly from the catalog'], signals: { random: request.random() } });
    }
    return out;
  }
}
