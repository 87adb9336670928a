/**
 * Audit ledger speed: appends per second (batches of 500, a signed checkpoint each second), then inclusion
 * and consistency proof time at the final size, and the size on disk.
 * Usage: node --import tsx bench/ledger.ts [--entries N] [--proofs N] [--store postgres://...]
 * With --store, the tree is the cluster's PostgreSQL ledger, in a scratch schema dropped at the end.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { parsePostgresUrl } from '../src/store/postgres/connection.ts';
import { Ledger, loadLedgerSecrets, type LedgerEntry } from '../src/trust/ledger/ledger.ts';
import { PostgresLedgerStorage } from '../src/trust/ledger/postgres-ledger-storage.ts';
import { flag, note, percentile, print, round, scratchDir } from './lib/report.ts';

const ENTRIES = flag('entries', 1_000_000);
const PROOFS = flag('proofs', 2000);
const BATCH = 500;

const STORE = process.argv.includes('--store') ? process.argv[process.argv.indexOf('--store') + 1] : undefined;
const dir = scratchDir();
const schema = `bench_ledger_${process.pid}`;
/** The --store URL on the scratch schema. */
function scratchUrl(url: string): string {
  const parsed = new URL(parsePostgresUrl(url).connectionString);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}
const pgUrl = STORE === undefined ? undefined : scratchUrl(STORE);
const ledger = pgUrl === undefined ? await Ledger.open(dir) : await Ledger.over(await PostgresLedgerStorage.connect(pgUrl), loadLedgerSecrets(dir));
// Entries as the server writes them: a principal, a person's commitment and a full policy version.
const POLICY_VERSION = `2026-11-22.1+sha256:${'e9701e88ef08f546'.repeat(4)}`;
const entry = (i: number): LedgerEntry => ({
  time: new Date(1_800_000_000_000 + i).toISOString(),
  principal: 'ios-app',
  purpose: 'feed',
  action: i % 10 === 0 ? 'ingestEvents' : 'readFeed',
  resource: `user:${ledger.commitment(`u${i % 100_000}`)}`,
  decision: i % 50 === 0 ? 'deny' : 'allow',
  policyVersion: POLICY_VERSION,
});

note(`appending ${ENTRIES} entries...`);
let checkpoints = 0;
let lastCheckpoint = performance.now();
const start = performance.now();
// The main thread's busy time inside append calls (entries made beforehand): what a flush of entries
// takes from serving requests.
let appendBusyMs = 0;
const batchBusyMs: number[] = [];
// Appends per second over each tenth of the run, to show whether the rate holds as the tree grows.
const rateByTenth: number[] = [];
let tenthStart = start;
const tenth = Math.max(BATCH, Math.floor(ENTRIES / 10 / BATCH) * BATCH);
for (let i = 0; i < ENTRIES; i += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, ENTRIES - i) }, (_, j) => entry(i + j));
  const loopBefore = performance.eventLoopUtilization();
  await ledger.append(batch);
  batchBusyMs.push(performance.eventLoopUtilization(loopBefore).active);
  appendBusyMs += batchBusyMs[batchBusyMs.length - 1]!;
  if (performance.now() - lastCheckpoint >= 1000) {
    await ledger.checkpoint();
    checkpoints++;
    lastCheckpoint = performance.now();
  }
  if ((i + BATCH) % tenth === 0) {
    rateByTenth.push(Math.round(tenth / ((performance.now() - tenthStart) / 1000)));
    tenthStart = performance.now();
    note(`  ${i + BATCH} entries, ${rateByTenth[rateByTenth.length - 1]}/s`);
  }
}
const appendSeconds = (performance.now() - start) / 1000;
const mainThreadUsPerEntry = round((appendBusyMs * 1000) / ENTRIES, 1);

async function timeEach(run: (i: number) => Promise<unknown>): Promise<{ meanUs: number; p50Us: number; p99Us: number }> {
  const times: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const t = performance.now();
    await run(i);
    times.push((performance.now() - t) * 1000);
  }
  times.sort((a, b) => a - b);
  return { meanUs: round(times.reduce((a, b) => a + b, 0) / times.length, 1), p50Us: round(percentile(times, 50), 1), p99Us: round(percentile(times, 99), 1) };
}

note('proofs...');
const size = await ledger.size();
const inclusion = await timeEach((i) => ledger.inclusionProof((i * 7919) % size, size));
const consistency = await timeEach((i) => ledger.consistencyProof(1 + ((i * 104_729) % (size - 1)), size));
const checkpointTime = await timeEach(() => ledger.checkpoint());
await ledger.close();
const bytes = pgUrl === undefined ? sqliteBytes() : await postgresBytes(STORE!);

function sqliteBytes(): number {
  return ['ledger.db', 'ledger.db-wal'].map((f) => join(dir, f)).reduce((sum, f) => sum + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
}

/** The ledger tables' size with their indexes, then the scratch schema dropped. */
async function postgresBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(url).connectionString });
  await client.connect();
  const { rows } = await client.query<{ bytes: string }>(
    `SELECT sum(pg_total_relation_size(format('%I.%I', $1::text, t)))::text AS bytes FROM unnest(array['ledger_entries', 'ledger_nodes', 'ledger_head']) t`,
    [schema],
  );
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
  await client.end();
  return Number(rows[0]!.bytes);
}

print({
  benchmark: 'ledger',
  parameters: {
    entries: ENTRIES,
    batch: BATCH,
    proofs: PROOFS,
    store: pgUrl === undefined ? 'sqlite' : 'postgres',
    durability: pgUrl === undefined ? 'WAL, synchronous=FULL, one transaction per batch' : 'PostgreSQL, one transaction per batch under the head row lock',
  },
  appendsPerSecond: Math.round(ENTRIES / appendSeconds),
  appendsPerSecondByTenth: rateByTenth,
  appendSeconds: round(appendSeconds, 1),
  mainThreadUsPerEntry,
  mainThreadMsPerBatch: {
    p50: round(
      percentile(
        batchBusyMs.sort((a, b) => a - b),
        50,
      ),
      2,
    ),
    p99: round(percentile(batchBusyMs, 99), 2),
  },
  checkpointsWhileAppending: checkpoints,
  bytesOnDisk: bytes,
  inclusionProof: inclusion,
  consistencyProof: consistency,
  signedCheckpoint: checkpointTime,
});
