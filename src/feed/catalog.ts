import { allFloat32 } from '../core/float32.ts';
import { IndexedSet } from '../core/indexed-set.ts';
import { TimeOrderedSet } from '../core/time-ordered-set.ts';
import type { Video } from '../core/types.ts';
import { EmbeddingIndex } from './embedding-index.ts';

/**
 * The in-memory catalog the feed is built from: every video by id (removed ones too, for history), the
 * active ones (for the catalog scan), the active ones by upload time (for the newest), and the content
 * embeddings of the active ones.
 */
export class Catalog {
  private readonly byId = new Map<string, Video>();
  readonly active = new IndexedSet();
  readonly newest = new TimeOrderedSet();
  readonly embeddings: EmbeddingIndex;

  constructor(embeddingDim: number) {
    this.embeddings = new EmbeddingIndex(embeddingDim);
  }

  get(id: string): Video | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds or replaces a video. */
  put(video: Video): void {
    this.byId.set(video.id, video);
    if (video.status !== 'active') {
      this.active.delete(video.id);
      this.newest.delete(video.id);
      this.embeddings.delete(video.id);
      return;
    }
    this.active.add(video.id);
    this.newest.set(video.id, video.createdAt);
    // An embedding float32 cannot hold (stored before the API refused them) would make every similarity NaN.
    if (video.embedding !== undefined && allFloat32(video.embedding)) this.embeddings.put(video.id, video.embedding);
    else this.embeddings.delete(video.id);
  }
}
