import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function benchAll(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/all.ts', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('npm run bench --quick --only ledger writes the machine, the commit and the benchmark’s figures, and compares two runs', {
  timeout: 120_000,
}, async () => {
  const dir = tempDir();
  const first = join(dir, 'first.json');
  const run = await benchAll(['--quick', '--only', 'ledger', '--out', first]);
  assert.equal(run.code, 0, run.stderr);
  const results = JSON.parse(readFileSync(first, 'utf8'));
  assert.match(results.git.commit, /^[0-9a-f]{40}$/);
  assert.equal(typeof results.git.dirty, 'boolean');
  assert.ok(results.machine.cpus > 0);
  assert.equal(results.quick, true);
  assert.deepEqual(Object.keys(results.benchmarks), ['bench:ledger'], 'only the benchmark asked for');
  const ledger = results.benchmarks['bench:ledger'];
  assert.equal(ledger.ok, true);
  assert.equal(ledger.quick, true);
  assert.equal(ledger.command, 'node --import tsx bench/ledger.ts --entries 20000 --proofs 200');
  assert.ok(ledger.seconds > 0);
  assert.equal(ledger.figures.benchmark, 'ledger');
  assert.equal(ledger.figures.parameters.entries, 20000, 'the quick size reached the benchmark');
  assert.ok(ledger.figures.appendsPerSecond > 0);
  assert.match(run.stdout, /bench:ledger\s+ok \(quick\)\s+[\d.]+\s+appendsPerSecond=/);
  assert.match(run.stdout, new RegExp(`written to ${first}`));

  const second = await benchAll(['--quick', '--only', 'bench:ledger', '--out', join(dir, 'second.json'), '--compare', first]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`compared with ${results.git.commit.slice(0, 12)}`));
  // Timings move from run to run: each changed figure is shown with its change and whether that is better.
  assert.match(second.stdout, /bench:ledger appendsPerSecond\s+\d+\s+\d+\s+-?[\d.]+ %\s+(better|worse)/);
  assert.match(second.stdout, /\d+ figures unchanged/);
});

test('npm run bench names what is wrong with its arguments', async () => {
  const unknown = await benchAll(['--only', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no script 'bench:nope' in package\.json; the benchmarks are bench:ingest, bench:feed/);
  const bad = await benchAll(['--fast']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown argument '--fast'/);
  const missing = await benchAll(['--compare', '/nonexistent/old.json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read results to compare with from \/nonexistent\/old\.json/);
});
