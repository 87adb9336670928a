import type { Filter } from '../pipeline.ts';

/** A video published for one region is served only there; `global` videos everywhere. */
export const regionFilter: Filter = {
  name: 'region',
  keep: (request, video) => video.region === 'global' || video.region === request.user.region,
};
