import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate, CandidateSource, FeedRequest } from '../pipeline.ts';

const GROUPS = [
  { prefix: 'creator:', top: 5, describe: (k: string) => `you often enjoy ${k}` },
  { prefix: 'hashtag:', top: 5, describe: (k: string) => `you often enjoy #${k}` },
  { prefix: 'sound:', top: 3, describe: (k: string) => `you often enjoy videos with sound ${k}` },
] as const;

/** The newest videos of the creators, hashtags and sounds the person engages with most. */
export class AffinitySource implements CandidateSource {
  readonly name = 'affinity';

  constructor(private readonly catalog: Catalog) {}

  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[] {
    const state = request.state;
    if (state === undefined) return [];
    const out: Candidate[] = [];
    for (const { prefix, top, describe } of GROUPS) {
      for (const { key, value } of state.affinities.top(request.now, top, prefix)) {
        const name = key.slice(prefix.length);
        const group = prefix === 'creator:' ? this.catalog.byCreator : prefix === 'hashtag:' ? this.catalog.byHashtag : this.catalog.bySound;
        let taken = 0;
        for (const video of group.get(name)) {
          if (out.length >= limit) return out;
          if (taken >= 2) break;
          if (!accept(video)) continue;
          out.push({ video, source: this.name, score: 0, reasons: [describe(name)], signals: { affinity: value } });
          taken++;
        }
      }
    }
    return out;
  }
}
