import type { Restriction } from '../../safety/moderation.ts';
import { reachAllowed, type Reach } from '../../safety/reach.ts';
import type { Filter } from '../pipeline.ts';

/** Sources that bring a video to a new audience: a labelled video is never amplified through them. */
const AMPLIFYING = new Set(['explore', 'trending', 'catalog']);

const reachOf = (source: string): Reach => (source === 'followed' ? 'followed' : AMPLIFYING.has(source) ? 'amplified' : 'recommended');

/** Moderation's limits on reach (src/safety/reach.ts), one lookup per candidate. */
export function safetyRestrictionsFilter(restrictionOf: (videoId: string) => Restriction | undefined): Filter {
  return {
    name: 'safety-restrictions',
    keep: (request, video, source) => reachAllowed(restrictionOf(video.id), request.minor, reachOf(source)),
  };
}
