/**
 * Moderation's limits on how a video may reach someone, the one rule behind the feed's filter and the lists about
 * no one (trending, newest, similar): a frozen, held or not-for-you video reaches only its creator's followers, a
 * labelled one is never amplified, an age-restricted one never reaches someone under 18.
 */
import type { Restriction } from './moderation.ts';

/**
 * How a video comes to a person: through whom they follow, recommended for them (similar to what they enjoyed),
 * or amplified to anyone (exploration, trending, a public list).
 */
export type Reach = 'followed' | 'recommended' | 'amplified';

export function reachAllowed(restriction: Restriction | undefined, minor: boolean, reach: Reach): boolean {
  if (restriction === undefined) return true;
  if (restriction.ageRestricted && minor) return false;
  if (restriction.frozen || restriction.notForYou) return reach === 'followed';
  return restriction.label === null || reach !== 'amplified';
}
