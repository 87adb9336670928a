import type { Restriction } from '../../safety/moderation.ts';
import type { Filter } from '../pipeline.ts';

/** Sources that bring a video to a new audience: a labelled video is never amplified through them. */
const AMPLIFYING = new Set(['explore', 'trending', 'catalog']);

/**
 * Moderation's limits on reach, one lookup per candidate: a frozen or not-for-you video reaches only its creator's
 * followers, a labelled one is never amplified, an age-restricted one never reaches someone under 18.
 */
export function safetyRestrictionsFilter(restrictionOf: (videoId: string) => Restriction | undefined): Filter {
  return {
    name: 'safety-restrictions',
    keep: (request, video, source) => {
      const restriction = restrictionOf(video.id);
      if (restriction === undefined) return true;
      if (restriction.ageRestricted && request.minor) return false;
      if (restriction.frozen || restriction.notForYou) return source === 'followed';
      return restriction.label === null || !AMPLIFYING.has(source);
    },
  };
}
