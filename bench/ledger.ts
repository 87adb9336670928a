/**
 * Audit ledger speed: appends per second (batches of 500, a signed checkpoint each second), then inclusion
 * and consistency proof time at the final size.
 * Usage: node --import tsx bench/ledger.ts [--entries N] [--proofs N]
 */
import { Ledger, type LedgerEntry } from '../src/trust/ledger/ledger.ts';
import { flag, note, percentile, print, round, scratchDir } from './lib/report.ts';

const ENTRIES = flag('entries', 1_000_000);
const PROOFS = flag('proofs', 2000);
const BATCH = 500;

const ledger = Ledger.open(scratchDir());
const entry = (i: number): LedgerEntry => ({
  time: new Date(1_800_000_000_000 + i).toISOString(),
  principal: 'app',
  purpose: 'feed',
  action: 'readFeed',
  resource: `user:${ledger.commitment(`u${i % 10_000}`)}`,
  decision: 'allow',
  policyVersion: 'v1',
});

note(`appending ${ENTRIES} entries...`);
let checkpoints = 0;
let lastCheckpoint = performance.now();
const start = performance.now();
for (let i = 0; i < ENTRIES; i += BATCH) {
  ledger.append(Array.from({ length: Math.min(BATCH, ENTRIES - i) }, (_, j) => entry(i + j)));
  if (performance.now() - lastCheckpoint >= 1000) {
    ledger.checkpoint();
    checkpoints++;
    lastCheckpoint = performance.now();
  }
}
const appendSeconds = (performance.now() - start) / 1000;

function timeEach(run: (i: number) => void): { meanUs: number; p99Us: number } {
  const times: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const t = performance.now();
    run(i);
    times.push((performance.now() - t) * 1000);
  }
  times.sort((a, b) => a - b);
  return { meanUs: round(times.reduce((a, b) => a + b, 0) / times.length, 1), p99Us: round(percentile(times, 99), 1) };
}

note('proofs...');
const size = ledger.size();
const inclusion = timeEach((i) => ledger.inclusionProof((i * 7919) % size, size));
const consistency = timeEach((i) => ledger.consistencyProof(1 + ((i * 104_729) % (size - 1)), size));
const checkpointTime = timeEach(() => ledger.checkpoint());
ledger.close();

print({
  benchmark: 'ledger',
  parameters: { entries: ENTRIES, batch: BATCH, proofs: PROOFS, durability: 'WAL, synchronous=FULL, one transaction per batch' },
  appendsPerSecond: Math.round(ENTRIES / appendSeconds),
  checkpointsWhileAppending: checkpoints,
  inclusionProof: inclusion,
  consistencyProof: consistency,
  signedCheckpoint: checkpointTime,
});
