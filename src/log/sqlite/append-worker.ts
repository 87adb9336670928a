/**
 * The embedded log's writer thread: inserting and syncing a batch here leaves the main thread free to parse,
 * validate and learn from the next one. A reply is sent only after the batch's transaction is on disk.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../store/sqlite/database.ts';
import { INSERT_EVENT, type AppendReply, type AppendRequest, type EventRow } from './events-table.ts';

const port = parentPort!;
const db = openSqlite((workerData as { path: string }).path);
const insert = db.prepare(INSERT_EVENT);
const write = db.transaction((rows: EventRow[]) =>
  rows.map((row) => {
    const info = insert.run(...row);
    return info.changes === 1 ? Number(info.lastInsertRowid) : 0;
  }),
);

port.on('message', (message: AppendRequest | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: AppendReply;
  try {
    reply = { requestId: message.requestId, seqs: write(message.rows) };
  } catch (err) {
    reply = { requestId: message.requestId, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
