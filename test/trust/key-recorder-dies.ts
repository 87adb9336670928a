/**
 * A serving node's key recorder that dies in the middle of recording: run as a child process by
 * postgres-keys.test.ts with the store URL. It records the cluster's key changes as a serving node does
 * (SharedKeyRing), and is SIGKILLed right after its ledger entries are appended, before they commit
 * with the changes marked recorded.
 */
import { actionEntry } from '../../src/trust/ledger/ledger.ts';
import { PostgresLedgerStorage } from '../../src/trust/ledger/postgres-ledger-storage.ts';
import { openPool, parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { SharedKeyRing, SharedKeys } from '../../src/trust/policy/postgres-keys.ts';

const target = parsePostgresUrl(process.argv[2]!);
const pool = openPool(target, 2);
const ledger = await PostgresLedgerStorage.open(pool, target.schema);
const appendIn = ledger.appendIn.bind(ledger);
ledger.appendIn = async (transaction, entries) => {
  const first = await appendIn(transaction, entries);
  console.log(`appended ${entries.length} at ${first}`);
  process.kill(process.pid, 'SIGKILL');
  return first;
};
const ring = new SharedKeyRing(await SharedKeys.open(pool, target.schema), ledger);
ring.entriesFor = ({ created }) =>
  created.map((k) => actionEntry('keyCreated', k.id, `key:${k.hash.slice(0, 16)}`, { principal: 'dying-node', policyVersion: 'v' }));
await ring.refresh();
console.log('not killed');
