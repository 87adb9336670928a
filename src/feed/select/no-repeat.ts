import type { Video } from '../../core/types.ts';
import type { PlacementRule } from './selector.ts';

/** Never two consecutive videos by the same creator or with the same sound. */
export const noRepeatRule: PlacementRule = {
  name: 'no-repeat',
  blocks(_request, page, candidate) {
    const previous = page.placed[page.placed.length - 1];
    return previous !== undefined && sameCreatorOrSound(candidate.video, previous.video) ? 'same creator or sound as the video before it' : undefined;
  },
};

function sameCreatorOrSound(a: Video, b: Video): boolean {
  return a.creatorId === b.creatorId || (a.soundId !== '' && a.soundId === b.soundId);
}
