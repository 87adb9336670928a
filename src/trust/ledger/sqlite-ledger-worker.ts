/**
 * The embedded ledger's thread: it owns `ledger.db`, hashes each batch's leaves and subtrees and writes them
 * in one synced transaction, so none of that holds up the main thread. Requests are answered one at a time,
 * in the order they were sent, so batches keep the order they were appended in.
 */
import { workerData } from 'node:worker_threads';
import { answerRequests } from '../../core/request-worker.ts';
import { SqliteLedgerFile } from './sqlite-ledger-file.ts';
import type { LedgerRequest } from './sqlite-ledger-storage.ts';

const file = SqliteLedgerFile.open((workerData as { path: string }).path);

/** Blobs arrive as plain byte arrays; SQLite binds and hashes them as Buffers (no copy). */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

answerRequests((request: LedgerRequest) => {
  switch (request.op) {
    case 'size':
      return file.size();
    case 'append':
      return file.append(request.entries.map(asBuffer));
    case 'nodes':
      return file.nodes(request.keys);
    case 'entries':
      return file.entries(request.start, request.end);
    case 'bindIdentity':
      return file.bindIdentity(request.identity);
  }
}, () => file.close());
