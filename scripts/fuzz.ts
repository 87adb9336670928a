/**
 * `npm run fuzz`: generated requests against a real server on a temporary directory until --requests were sent
 * (default 100,000) or --minutes passed (default 30), then one JSON object: what was sent, the statuses, and
 * the shrunk failing batch if an invariant broke (exit 1). Give --seed to replay a run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzApi } from '../test/fuzz/api-fuzz.ts';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`moteur fuzz: --${name} expects a number, got '${process.argv[at + 1] ?? ''}'`);
    process.exit(2);
  }
  return value;
}

const requests = flag('requests', 100_000);
const minutes = flag('minutes', 30);
const seed = process.argv.includes('--seed') ? flag('seed', 0) : undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'moteur-fuzz-'));
const started = performance.now();
try {
  const run = await fuzzApi(dataDir, { requests, timeLimitMs: minutes * 60_000, batch: 16, ...(seed === undefined ? {} : { seed }) });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...run, seconds: Number(seconds.toFixed(1)), requestsPerSecond: Number((run.requests / seconds).toFixed(1)) }, null, 2));
  process.exitCode = run.failure === undefined ? 0 : 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
