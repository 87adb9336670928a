import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MoteurError } from '../../core/errors.ts';
import type { StageProgress } from '../progress.ts';

/** Fails with a message naming the file when a data file the evaluation needs is not there. */
export function requireFile(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new MoteurError('data_file_missing', `data file not found: ${path}`, { field: 'data' });
}

export const malformedRow = (path: string, lineNumber: number, why: string): MoteurError =>
  new MoteurError('data_file_malformed', `${path}:${lineNumber}: ${why}`, { field: 'data' });

/**
 * Streams a text file's lines with 1-based line numbers (blank lines skipped), so large files never sit in memory
 * whole; progress is reported in bytes read.
 */
export async function* readLines(path: string, progress?: StageProgress): AsyncGenerator<{ text: string; lineNumber: number }> {
  requireFile(path);
  const input = createReadStream(path, 'utf8');
  if (progress) {
    const total = statSync(path).size;
    let done = 0;
    input.on('data', (chunk) => progress(`loading ${path}`, (done += Buffer.byteLength(chunk)), total));
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() !== '') yield { text, lineNumber };
  }
}

/**
 * Reads a delimited file whose first line names the columns; `columns` are the ones required, handed to the
 * callback in that order. An empty file, a missing column or a short row fails with the file and line.
 */
export async function readTable(
  path: string,
  delimiter: string,
  columns: string[],
  onRow: (fields: string[], lineNumber: number) => void,
  headerName: (field: string) => string = (field) => field,
  progress?: StageProgress,
): Promise<number> {
  let positions: number[] | undefined;
  let rows = 0;
  for await (const { text, lineNumber } of readLines(path, progress)) {
    const fields = text.split(delimiter).map((f) => f.trim());
    if (!positions) {
      const header = fields.map(headerName);
      positions = columns.map((c) => header.indexOf(c));
      const missing = columns.filter((_, k) => positions![k]! < 0);
      if (missing.length > 0) throw malformedRow(path, lineNumber, `header lacks column(s) ${missing.join(', ')} (found: ${header.join(', ')})`);
      continue;
    }
    const selected = positions.map((p, k) => {
      const field = fields[p];
      if (field === undefined || field === '') throw malformedRow(path, lineNumber, `column ${columns[k]} is empty`);
      return field;
    });
    onRow(selected, lineNumber);
    rows++;
  }
  if (!positions) throw malformedRow(path, 1, 'file is empty (expected a header line)');
  return rows;
}

/** A field that must be a finite number (and, when asked, a non-negative integer id). */
export function parseNumber(path: string, lineNumber: number, column: string, field: string, kind: 'id' | 'number'): number {
  const value = Number(field);
  const ok = kind === 'id' ? Number.isInteger(value) && value >= 0 : Number.isFinite(value);
  if (!ok)
    throw malformedRow(path, lineNumber, `column ${column} is not ${kind === 'id' ? 'a non-negative integer id' : 'a number'}: ${JSON.stringify(field)}`);
  return value;
}
