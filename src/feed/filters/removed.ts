import type { Filter } from '../pipeline.ts';

/** Removed videos are never served. */
export const removedFilter: Filter = {
  name: 'removed',
  keep: (_request, video) => video.status === 'active',
};
