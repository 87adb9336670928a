/** Loads videos, users or events from a file into the engine in batches, keeping every rejected row's reason. */
import type { Moteur } from '../app/moteur.ts';
import { invalid, MoteurError } from '../core/errors.ts';
import type { ItemOutcome } from '../core/types.ts';
import { eventFromCsv, userFromCsv, videoFromCsv } from './columns.ts';
import { readRecords } from './records.ts';

export type ImportKind = 'videos' | 'users' | 'events';

export interface ImportSummary {
  file: string;
  kind: ImportKind;
  rows: number;
  stored: number;
  duplicates: number;
  rejected: number;
  /** The first rejected rows in file order, as `file:line: field: message`. */
  rejections: string[];
}

const BATCH = 1000;
const KEEP_REJECTIONS = 20;

const fromCsv = { videos: videoFromCsv, users: userFromCsv, events: eventFromCsv };

export async function importFile(moteur: Moteur, kind: ImportKind, path: string, onBytes: (bytes: number) => void): Promise<ImportSummary> {
  const summary: ImportSummary = { file: path, kind, rows: 0, stored: 0, duplicates: 0, rejected: 0, rejections: [] };
  // Rows fail while reading or only when their batch is written, so keep the earliest lines seen so far.
  const rejections: { line: number; message: string }[] = [];
  const reject = (line: number, message: string) => {
    summary.rejected++;
    rejections.push({ line, message });
    if (rejections.length > 2 * KEEP_REJECTIONS) rejections.sort((a, b) => a.line - b.line).splice(KEEP_REJECTIONS);
  };
  const tally = (lines: number[], outcomes: ItemOutcome[]) =>
    outcomes.forEach((o, i) => {
      if (o.status === 'stored') summary.stored++;
      else if (o.status === 'duplicate') summary.duplicates++;
      else reject(lines[i]!, o.message);
    });

  let batch: Record<string, unknown>[] = [];
  let lines: number[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    tally(lines, kind === 'videos' ? await moteur.upsertVideos(batch) : await moteur.ingest(batch));
    batch = [];
    lines = [];
  };

  const csv = path.endsWith('.csv');
  for await (const { line, value } of readRecords(path, onBytes)) {
    summary.rows++;
    if ('error' in value && Object.keys(value).length === 1) {
      reject(line, String(value.error));
      continue;
    }
    const record = csv ? fromCsv[kind](value) : value;
    if (kind === 'users') {
      await importUser(moteur, record).then(
        () => summary.stored++,
        (err: unknown) => reject(line, messageOf(err)),
      );
      continue;
    }
    batch.push(record);
    lines.push(line);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  summary.rejections = rejections
    .sort((a, b) => a.line - b.line)
    .slice(0, KEEP_REJECTIONS)
    .map((r) => `${path}:${r.line}: ${r.message}`);
  return summary;
}

async function importUser(moteur: Moteur, record: Record<string, unknown>): Promise<void> {
  const { id, ...rest } = record;
  if (typeof id !== 'string' || id === '') throw invalid('id', 'is required');
  await moteur.putUser(id, rest);
}

function messageOf(err: unknown): string {
  if (err instanceof MoteurError) return err.message;
  throw err;
}
