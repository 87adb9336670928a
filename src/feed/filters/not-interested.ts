import type { Filter } from '../pipeline.ts';

/** "Not interested" (or a report) hides that creator and that sound from the person. */
export const notInterestedFilter: Filter = {
  name: 'not-interested',
  keep: (request, video) =>
    request.state === undefined ||
    (!request.state.hiddenCreators.has(video.creatorId) && !(video.soundId !== '' && request.state.hiddenSounds.has(video.soundId))),
};
