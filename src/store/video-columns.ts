/** The `videos` table as both stores read it back; `Hashtags` is how the driver hands over that column. */
import type { Video } from '../core/types.ts';
import { embeddingFromBytes } from './embedding-bytes.ts';
import { sharedNames } from '../core/interned.ts';

export interface VideoColumns<Hashtags> {
  id: string;
  creator_id: string;
  duration_ms: number;
  created_at: number;
  caption: string;
  hashtags: Hashtags;
  sound_id: string;
  language: string;
  region: string;
  status: Video['status'];
  embedding: Buffer | null;
}

/** The video a row holds, given its hashtags already decoded; the names videos share are kept once (`sharedNames`). */
export function videoFromColumns(r: VideoColumns<unknown>, hashtags: string[]): Video {
  const v: Video = {
    id: r.id,
    creatorId: sharedNames.of(r.creator_id),
    durationMs: r.duration_ms,
    createdAt: r.created_at,
    caption: r.caption,
    hashtags: hashtags.map((tag) => sharedNames.of(tag)),
    soundId: sharedNames.of(r.sound_id),
    language: sharedNames.of(r.language),
    region: sharedNames.of(r.region),
    status: r.status,
  };
  if (r.embedding !== null) v.embedding = embeddingFromBytes(r.embedding);
  return v;
}
