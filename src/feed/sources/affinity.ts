import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { LearnedModels } from '../models.ts';
import { whenPersonalized, type Candidate, type CandidateSource, type FeedRequest } from '../pipeline.ts';
import { acceptById, candidatesFrom } from './candidate.ts';

/** The newest videos of the creators, hashtags and sounds the person engages with most. */
export class AffinitySource implements CandidateSource {
  readonly name = 'affinity';
  readonly enabled = whenPersonalized;

  constructor(
    private readonly catalog: Catalog,
    private readonly models: LearnedModels,
  ) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const found = this.models.learners.affinityCandidates(request.user.id, limit, { accept: acceptById(this.catalog, accept) });
    return candidatesFrom(this.catalog, this.name, found, (c) => ({ reason: `you often enjoy ${describeKey(c.via ?? '')}`, signals: { affinity: c.score } }));
  }
}

function describeKey(key: string): string {
  const [kind, ...rest] = key.split(':');
  const name = rest.join(':');
  return kind === 'hashtag' ? `#${name}` : kind === 'sound' ? `videos with sound ${name}` : name;
}
