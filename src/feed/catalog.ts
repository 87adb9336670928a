import type { Video } from '../core/types.ts';
import { IndexedSet } from './indexed-set.ts';

/**
 * The in-memory catalog the feed is built from: every video by id, the active ones,
 * each creator's videos (newest first) and the pool of fresh videos still looking for an audience.
 */
export class Catalog {
  private readonly byId = new Map<string, Video>();
  readonly active = new IndexedSet();
  readonly fresh = new IndexedSet();
  private readonly byCreator = new Map<string, Video[]>();

  constructor(private readonly freshUntilServed: number) {}

  get(id: string): Video | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds or replaces a video; `servedSoFar` decides whether it is still fresh. */
  put(video: Video, servedSoFar = 0): void {
    const previous = this.byId.get(video.id);
    if (previous !== undefined) this.unindexCreator(previous);
    this.byId.set(video.id, video);
    if (video.status === 'active') {
      this.active.add(video.id);
      if (servedSoFar < this.freshUntilServed) this.fresh.add(video.id);
      this.indexCreator(video);
    } else {
      this.active.delete(video.id);
      this.fresh.delete(video.id);
    }
  }

  /** Called each time a video is served: it leaves the fresh pool once it had its guaranteed audience. */
  served(videoId: string, servedSoFar: number): void {
    if (servedSoFar >= this.freshUntilServed) this.fresh.delete(videoId);
  }

  byCreatorNewestFirst(creatorId: string): readonly Video[] {
    return this.byCreator.get(creatorId) ?? [];
  }

  private indexCreator(video: Video): void {
    const list = this.byCreator.get(video.creatorId) ?? [];
    const at = list.findIndex((v) => v.createdAt < video.createdAt);
    list.splice(at < 0 ? list.length : at, 0, video);
    this.byCreator.set(video.creatorId, list);
  }

  private unindexCreator(video: Video): void {
    const list = this.byCreator.get(video.creatorId);
    if (list === undefined) return;
    const at = list.findIndex((v) => v.id === video.id);
    if (at >= 0) list.splice(at, 1);
  }
}
