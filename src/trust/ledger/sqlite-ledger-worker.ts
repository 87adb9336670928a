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

/** A batch's entries, packed one after another in one buffer, as views into it (no copy). */
function unpack(packed: Uint8Array, lengths: readonly number[]): Buffer[] {
  let at = packed.byteOffset;
  return lengths.map((length) => {
    const entry = Buffer.from(packed.buffer, at, length);
    at += length;
    return entry;
  });
}

answerRequests(
  (request: LedgerRequest) => {
    switch (request.op) {
      case 'size':
        return file.size();
      case 'append':
        return file.append(unpack(request.packed, request.lengths));
      case 'nodes':
        return file.nodes(request.keys);
      case 'entries':
        return file.entries(request.start, request.end);
      case 'bindIdentity':
        return file.bindIdentity(request.identity);
    }
  },
  () => file.close(),
);
