import type { Video } from '../../core/types.ts';
import type { Catalog } from '../catalog.ts';
import type { Candidate } from '../pipeline.ts';

/** The learners speak in video ids: the pipeline's `accept` applied to the catalog's record of each. */
export function acceptById(catalog: Catalog, accept: (video: Video) => boolean): (videoId: string) => boolean {
  return (videoId) => {
    const video = catalog.get(videoId);
    return video !== undefined && accept(video);
  };
}

/** Candidates from a list of ids the source already accepted. */
export function candidatesFrom<T extends { videoId: string }>(
  catalog: Catalog,
  source: string,
  found: readonly T[],
  describe: (item: T) => { reason: string; signals: Record<string, number> },
): Candidate[] {
  const out: Candidate[] = [];
  for (const item of found) {
    const video = catalog.get(item.videoId);
    if (video === undefined) continue;
    const { reason, signals } = describe(item);
    out.push({ video, source, score: 0, reasons: [reason], signals });
  }
  return out;
}
