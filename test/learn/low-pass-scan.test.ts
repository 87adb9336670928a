/**
 * The low-pass filter's scan in WebAssembly: the same float64 sums, bit for bit, as the plain loop it replaced,
 * for any rank (a remainder of 1 to 3 past the lanes of four included), and its binary is its source's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileWat, wasmFileOf, watFiles } from '../../scripts/build-wasm.ts';
import { seededRandom } from '../../src/core/random.ts';
import { LowPassScan } from '../../src/learn/retrained/low-pass-scan.ts';

/** The plain JavaScript scan: four partial sums, the rank's remainder into the first, then added in order. */
function plainScan(right: Float32Array, profile: Float64Array, rank: number): Float64Array {
  const count = right.length / rank;
  const out = new Float64Array(count);
  const by4 = rank - (rank % 4);
  for (let at = 0; at < count; at++) {
    const base = at * rank;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < by4; c += 4) {
      s0 += right[base + c]! * profile[c]!;
      s1 += right[base + c + 1]! * profile[c + 1]!;
      s2 += right[base + c + 2]! * profile[c + 2]!;
      s3 += right[base + c + 3]! * profile[c + 3]!;
    }
    for (let c = by4; c < rank; c++) s0 += right[base + c]! * profile[c]!;
    out[at] = s0 + s1 + s2 + s3;
  }
  return out;
}

test('the scan gives every covered video the plain loop’s score, to the last bit, whatever the rank', () => {
  const random = seededRandom(11);
  for (const [count, rank] of [
    [1, 1],
    [3, 2],
    [50, 7],
    [33, 13],
    [4096, 256],
    [10, 4],
  ] as const) {
    const right = Float32Array.from({ length: count * rank }, () => random() * 2 - 1);
    const profile = Float64Array.from({ length: rank }, () => (random() - 0.3) * 40);
    const scan = new LowPassScan(right, rank);
    scan.profile.set(profile);
    const scores = scan.run();
    assert.equal(scores.length, count);
    assert.deepEqual([...scores], [...plainScan(right, profile, rank)], `count ${count}, rank ${rank}`);
    // A second person's profile on the same factors: nothing of the first is left over.
    profile.reverse();
    scan.profile.set(profile);
    assert.deepEqual([...scan.run()], [...plainScan(right, profile, rank)], `count ${count}, rank ${rank}, second profile`);
  }
});

test('a filter that covers no video scans nothing', () => {
  const scan = new LowPassScan(new Float32Array(0), 0);
  assert.equal(scan.run().length, 0);
});

test('each committed .wasm is what its .wat compiles to (run `npm run build:wasm` after editing one)', async () => {
  const files = watFiles();
  assert.ok(files.some((file) => file.endsWith('low-pass-scan.wat')));
  for (const file of files)
    assert.ok(Buffer.from(await compileWat(file)).equals(readFileSync(wasmFileOf(file))), `${wasmFileOf(file)} is stale: run npm run build:wasm`);
});
