/**
 * The learners' side of the catalog: videos added and removed, and the nearest-neighbour index over their item
 * vectors kept in step (synced in chunks, saved beside a snapshot and loaded back instead of being rebuilt).
 */
import type { Video } from '../../core/types.ts';
import type { LearnedParts } from './learned-parts.ts';

export class LearnerCatalog {
  constructor(private readonly parts: LearnedParts) {}

  /** Adds or updates a video (a removed status removes it from every candidate list). */
  addVideo(video: Video): void {
    const { catalog, newest, vectors } = this.parts;
    // Unchanged (a start meeting the videos its snapshot holds): its newest lists and vector are already right.
    if (catalog.holds(video)) return;
    const { slot } = catalog.put(video);
    if (video.status === 'removed') {
      vectors.clear(slot);
      return;
    }
    const createdAt = (s: number) => catalog.get(s).createdAt;
    for (const key of catalog.get(slot).keys) newest.add(key, slot, createdAt);
    this.parts.refreshVector(slot);
  }

  removeVideo(videoId: string): void {
    const slot = this.parts.catalog.deactivate(videoId);
    if (slot !== undefined) this.parts.vectors.clear(slot);
  }

  /**
   * Brings the HNSW graph up to date with the item vectors that changed since its last sync, at most `limit`
   * of them (seconds for a large catalog, so it is not done inside `observe`: call it from a timer, in chunks).
   * Below `ann.from` videos the search is exact and there is no graph to keep. Returns how many were synced.
   */
  syncVectorIndex(limit = Infinity): number {
    const { catalog, config, vectors } = this.parts;
    if (catalog.size < config.ann.from) return 0;
    const pending = vectors.pending;
    vectors.sync(limit);
    return pending - vectors.pending;
  }

  /**
   * Item vectors changed since the HNSW graph was last synced (still to be checked, and put in if they moved);
   * none below `ann.from` videos, where the search is exact and there is no graph to keep.
   */
  get vectorIndexPending(): number {
    const { catalog, config, vectors } = this.parts;
    return catalog.size < config.ann.from ? 0 : vectors.pending;
  }

  /** Writes the HNSW graph to `path` (see VideoVectors.saveGraph); the slots marked deleted, or undefined without a graph. */
  saveVectorIndex(path: string): Promise<number[] | undefined> {
    return this.parts.vectors.saveGraph(path);
  }

  /** Takes the HNSW graph from a file `saveVectorIndex` wrote, instead of building it again (see VideoVectors.loadGraph). */
  loadVectorIndex(path: string, deleted: readonly number[]): Promise<void> {
    return this.parts.vectors.loadGraph(path, deleted);
  }
}
