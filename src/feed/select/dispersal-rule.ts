import type { PlacementRule } from './selector.ts';

/** What the sensitive-topic dispersal answers (src/safety/dispersal.ts). */
export interface Dispersal {
  blocks(userId: string, now: number, page: readonly string[], videoId: string): string | undefined;
}

/** Sensitive-topic dispersal: a video it holds back does not come next; with explanations, the video placed instead says so. */
export function dispersalRule(dispersal: Dispersal): PlacementRule {
  return {
    name: 'dispersal',
    told: true,
    blocks: (request, page, candidate) => dispersal.blocks(request.user.id, request.now, page.placedIds, candidate.video.id),
  };
}
