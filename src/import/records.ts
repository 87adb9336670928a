/**
 * Reads CSV (header row) or JSON Lines files as a stream of plain records with their line numbers,
 * reporting bytes read for a progress bar. CSV fields may be quoted ("a, b" and "" for a quote);
 * a quoted field cannot span lines.
 */
import { accessSync, constants, createReadStream, type Stats, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MoteurError } from '../core/errors.ts';
import { messageOf } from '../core/thrown.ts';

export interface SourceRecord {
  line: number;
  /** The parsed record, or the reason the line could not be parsed. */
  value: Record<string, unknown> | { error: string };
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  if (quoted) throw new Error('a quoted field is not closed on this line');
  fields.push(field);
  return fields;
}

function formatOf(path: string): 'csv' | 'jsonl' {
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) return 'jsonl';
  throw new MoteurError('unknown_format', `${path}: expected a .csv or .jsonl file`);
}

/**
 * The size of a file to import. Fails, naming the file, when it could not be imported at all
 * (missing, not a file, not readable, neither CSV nor JSON Lines), so callers can check every file before writing.
 */
export function fileSize(path: string): number {
  formatOf(path);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    throw new MoteurError('file_missing', `${path}: no such file`);
  }
  if (!stats.isFile()) throw new MoteurError('file_unreadable', `${path}: not a file`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new MoteurError('file_unreadable', `${path}: not readable (permission denied)`);
  }
  return stats.size;
}

export async function* readRecords(path: string, onBytes: (bytesRead: number) => void): AsyncGenerator<SourceRecord> {
  const format = formatOf(path);
  fileSize(path);
  const stream = createReadStream(path);
  stream.on('data', () => onBytes(stream.bytesRead));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: string[] | undefined;
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    if (format === 'jsonl') {
      try {
        const value = JSON.parse(text) as unknown;
        yield {
          line,
          value:
            typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { error: 'expected a JSON object' },
        };
      } catch (err) {
        yield { line, value: { error: `not valid JSON: ${messageOf(err)}` } };
      }
      continue;
    }
    let fields: string[];
    try {
      fields = splitCsvLine(text);
    } catch (err) {
      yield { line, value: { error: messageOf(err) } };
      continue;
    }
    if (header === undefined) {
      header = fields.map((f) => f.trim());
      continue;
    }
    if (fields.length !== header.length) {
      yield { line, value: { error: `expected ${header.length} fields as in the header, found ${fields.length}` } };
      continue;
    }
    const value: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (fields[i] !== '') value[name] = fields[i];
    });
    yield { line, value };
  }
}
