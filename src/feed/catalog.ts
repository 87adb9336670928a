import type { Video } from '../core/types.ts';
import { EmbeddingIndex } from './embedding-index.ts';
import { IndexedSet } from './indexed-set.ts';

/** Active videos grouped by a key (creator, hashtag, sound), newest first in each group. */
class NewestFirst {
  private readonly groups = new Map<string, Video[]>();

  get(key: string): readonly Video[] {
    return this.groups.get(key) ?? [];
  }

  add(key: string, video: Video): void {
    const list = this.groups.get(key) ?? [];
    const at = list.findIndex((v) => v.createdAt < video.createdAt);
    list.splice(at < 0 ? list.length : at, 0, video);
    this.groups.set(key, list);
  }

  delete(key: string, video: Video): void {
    const list = this.groups.get(key);
    const at = list?.findIndex((v) => v.id === video.id) ?? -1;
    if (at >= 0) list!.splice(at, 1);
  }
}

/**
 * The in-memory catalog the feed is built from: every video by id, the active ones, groups by creator,
 * hashtag and sound (newest first), content embeddings, and the pool of fresh videos still looking for an audience.
 */
export class Catalog {
  private readonly byId = new Map<string, Video>();
  readonly active = new IndexedSet();
  readonly fresh = new IndexedSet();
  readonly byCreator = new NewestFirst();
  readonly byHashtag = new NewestFirst();
  readonly bySound = new NewestFirst();
  readonly embeddings: EmbeddingIndex;

  constructor(
    private readonly freshUntilServed: number,
    embeddingDim: number,
  ) {
    this.embeddings = new EmbeddingIndex(embeddingDim);
  }

  get(id: string): Video | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds or replaces a video; `servedSoFar` decides whether it is still fresh. */
  put(video: Video, servedSoFar = 0): void {
    const previous = this.byId.get(video.id);
    if (previous !== undefined) this.unindex(previous);
    this.byId.set(video.id, video);
    if (video.status !== 'active') return;
    this.active.add(video.id);
    if (servedSoFar < this.freshUntilServed) this.fresh.add(video.id);
    this.byCreator.add(video.creatorId, video);
    for (const tag of video.hashtags) this.byHashtag.add(tag, video);
    if (video.soundId !== '') this.bySound.add(video.soundId, video);
    if (video.embedding !== undefined) this.embeddings.put(video.id, video.embedding);
  }

  /** Called each time a video is served: it leaves the fresh pool once it had its guaranteed audience. */
  served(videoId: string, servedSoFar: number): void {
    if (servedSoFar >= this.freshUntilServed) this.fresh.delete(videoId);
  }

  private unindex(video: Video): void {
    this.active.delete(video.id);
    this.fresh.delete(video.id);
    this.byCreator.delete(video.creatorId, video);
    for (const tag of video.hashtags) this.byHashtag.delete(tag, video);
    if (video.soundId !== '') this.bySound.delete(video.soundId, video);
    this.embeddings.delete(video.id);
  }
}
