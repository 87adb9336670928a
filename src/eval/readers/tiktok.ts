import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MoteurError } from '../../core/errors.ts';
import type { StageProgress } from '../progress.ts';
import { malformedRow, parseNumber, readLines, readTable } from './lines.ts';
import { readNpyMatrix, type NpyMatrix } from './npy.ts';

/** (user, item) pairs with 0-based integer ids. */
export interface UserItemPairs {
  users: number[];
  items: number[];
}

/** Reads a `user,item` CSV (the TikTok split files). */
export async function readUserItemPairs(path: string, progress?: StageProgress): Promise<UserItemPairs> {
  const pairs: UserItemPairs = { users: [], items: [] };
  await readTable(
    path,
    ',',
    ['user', 'item'],
    ([user, item], lineNumber) => {
      pairs.users.push(parseNumber(path, lineNumber, 'user', user!, 'id'));
      pairs.items.push(parseNumber(path, lineNumber, 'item', item!, 'id'));
    },
    undefined,
    progress,
  );
  return pairs;
}

export interface TiktokSplit {
  train: UserItemPairs;
  heldOut: UserItemPairs;
  userCount: number;
  itemCount: number;
  /** image and audio embeddings per item, when the files are there. */
  features: NpyMatrix[];
}

/** `DIR/train.csv` plus the held-out file (DIR/val.csv unless another is given), with the optional content features. */
export async function readTiktokSplit(dir: string, heldOutFile = join(dir, 'val.csv'), progress?: StageProgress): Promise<TiktokSplit> {
  const train = await readUserItemPairs(join(dir, 'train.csv'), progress);
  const heldOut = await readUserItemPairs(heldOutFile, progress);
  const featurePaths = ['image_feat.npy', 'audio_feat.npy'].map((f) => join(dir, f)).filter((path) => existsSync(path));
  const features = featurePaths.map(readNpyMatrix);
  const maxId = (ids: number[]) => ids.reduce((m, x) => Math.max(m, x), -1);
  const userCount = Math.max(maxId(train.users), maxId(heldOut.users)) + 1;
  const itemCount = Math.max(maxId(train.items), maxId(heldOut.items), ...features.map((f) => f.rows - 1)) + 1;
  for (const [k, f] of features.entries()) {
    if (f.rows !== itemCount)
      throw new MoteurError('data_file_malformed', `${featurePaths[k]}: ${f.rows} rows of features, but item ids go up to ${itemCount - 1}`, { field: 'data' });
  }
  return { train, heldOut, userCount, itemCount, features };
}

/**
 * The replay catalog (`DIR/replay/videos.jsonl`): one video a line as `POST /v1/videos` takes it, ids `v<item>`.
 * Every item id below `itemCount` must be there, since the replayed events name them.
 */
export async function readReplayCatalog(path: string, itemCount: number, progress?: StageProgress): Promise<Record<string, unknown>[]> {
  const videos: Record<string, unknown>[] = [];
  const present = new Uint8Array(itemCount);
  for await (const { text, lineNumber } of readLines(path, progress)) {
    let video: unknown;
    try {
      video = JSON.parse(text);
    } catch {
      throw malformedRow(path, lineNumber, 'not a JSON object');
    }
    const id = (video as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !/^v\d+$/.test(id)) throw malformedRow(path, lineNumber, 'id must be "v<item>"');
    const item = Number(id.slice(1));
    if (item < itemCount) present[item] = 1;
    videos.push(video as Record<string, unknown>);
  }
  const missing = present.indexOf(0);
  if (missing >= 0)
    throw new MoteurError('data_file_malformed', `${path}: video v${missing} is missing, but the split names items up to ${itemCount - 1}`, { field: 'data' });
  return videos;
}
