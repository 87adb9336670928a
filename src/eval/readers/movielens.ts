import type { StageProgress } from '../progress.ts';
import { parseNumber, readTable } from './lines.ts';

/** Interactions from a RecBole atomic `.inter` file, user and item tokens kept as text. */
export interface AtomicInteractions {
  userTokens: string[];
  itemTokens: string[];
  ratings: number[];
  timestamps: number[];
}

/** Reads a RecBole atomic `.inter` file (tab-separated, header fields typed as `name:type`). */
export async function readAtomicInteractions(path: string, progress?: StageProgress): Promise<AtomicInteractions> {
  const rows: AtomicInteractions = { userTokens: [], itemTokens: [], ratings: [], timestamps: [] };
  await readTable(
    path,
    '\t',
    ['user_id', 'item_id', 'rating', 'timestamp'],
    ([user, item, rating, timestamp], lineNumber) => {
      rows.userTokens.push(user!);
      rows.itemTokens.push(item!);
      rows.ratings.push(parseNumber(path, lineNumber, 'rating', rating!, 'number'));
      rows.timestamps.push(parseNumber(path, lineNumber, 'timestamp', timestamp!, 'number'));
    },
    atomicFieldName,
    progress,
  );
  return rows;
}

/** Genres (the `class` field) of each item of a RecBole atomic `.item` file, by item token. */
export async function readAtomicItemClasses(path: string): Promise<Map<string, string[]>> {
  const classes = new Map<string, string[]>();
  await readTable(
    path,
    '\t',
    ['item_id', 'class'],
    ([item, genres]) =>
      void classes.set(
        item!,
        genres!.split(' ').filter((g) => g !== ''),
      ),
    atomicFieldName,
  );
  return classes;
}

const atomicFieldName = (field: string) => field.split(':')[0]!;
