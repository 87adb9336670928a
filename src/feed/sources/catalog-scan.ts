import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import { always, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';

/**
 * The last resort when the other sources came up short: any active video the person has not seen,
 * scanned from a random starting point so two people do not get the same leftovers.
 */
export class CatalogScanSource implements CandidateSource {
  readonly name = 'catalog';
  readonly enabled = always;

  constructor(private readonly catalog: Catalog) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const active = this.catalog.active;
    const out: Candidate[] = [];
    const start = Math.floor(request.random() * active.size);
    for (let i = 0; i < active.size && out.length < limit; i++) {
      const video = this.catalog.get(active.at((start + i) % active.size));
      if (video === undefined || !accept(video)) continue;
      out.push({ video, source: this.name, score: 0, reasons: ['from the wider catalog: nothing closer was left'], signals: {} });
    }
    return out;
  }
}
