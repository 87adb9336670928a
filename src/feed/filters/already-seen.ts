import type { Filter } from '../pipeline.ts';

/** A video served to or engaged with by the person is not served again (until the catalog runs out). */
export const alreadySeenFilter: Filter = {
  name: 'already-seen',
  keep: (request, video) => !request.seen.has(video.id),
};
