/**
 * The embedded log's writer thread: inserting and syncing a batch here leaves the main thread free to parse,
 * validate and learn from the next one. A reply is sent only after the batch's transaction is on disk.
 */
import { workerData } from 'node:worker_threads';
import { answerRequests } from '../../core/request-worker.ts';
import { openSqlite } from '../../store/sqlite/database.ts';
import { INSERT_EVENT, type EventRow } from './events-table.ts';

const db = openSqlite((workerData as { path: string }).path);
const insert = db.prepare(INSERT_EVENT);
const write = db.transaction((rows: EventRow[]) =>
  rows.map((row) => {
    const info = insert.run(...row);
    return info.changes === 1 ? Number(info.lastInsertRowid) : 0;
  }),
);

answerRequests(write, () => db.close());
