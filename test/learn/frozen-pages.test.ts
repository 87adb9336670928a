/**
 * A typed array frozen by pages: whatever its owner changes while the encoding runs, before or after the part
 * encoded so far, and even after it replaced the array to grow it, the encoding holds the values of the freeze.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteWriter } from '../../src/learn/online/bytes.ts';
import { FrozenPages } from '../../src/learn/online/frozen-pages.ts';
import { seededRandom } from '../../src/core/random.ts';
import { runAll } from '../../src/core/slices.ts';

/** What `ByteWriter.array` writes for the first `length` values: the bytes a frozen copy must match. */
function arrayBytes(values: Float64Array, length: number): Buffer {
  const w = new ByteWriter();
  w.array(values, length);
  return Buffer.from(w.finish());
}

test('changes made between the encoding’s steps, anywhere in the array, leave the encoded values those of the freeze', () => {
  const random = seededRandom(3);
  let live = Float64Array.from({ length: 1_600_000 }, () => random());
  const length = 1_500_000;
  const expected = arrayBytes(live, length);
  const pages = new FrozenPages<Float64Array>();
  const w = new ByteWriter();
  const encoding = pages.freeze(live, length)(w);
  let steps = 0;
  const change = (at: number) => {
    pages.beforeChange(live, at, at + 7);
    live.fill(-1, at, at + 7);
  };
  while (!encoding.next().done) {
    steps++;
    // Every page (ahead of the encoding, at its frontier, behind it), anywhere in them, and across the frozen length's end.
    for (let page = 0; page * 4096 < live.length - 7; page++) change(page * 4096 + Math.floor(random() * 4000));
    change(length - 3);
    if (steps === 5) {
      // The owner grows the array: the frozen one is left as it was, and changes to the new one need no copy.
      const grown = new Float64Array(2 * live.length);
      grown.set(live);
      live = grown;
    }
  }
  pages.thaw();
  assert.ok(steps > 20, `${steps} steps`);
  assert.ok(Buffer.from(w.finish()).equals(expected), 'the encoded values are not those of the freeze');
  // Thawed: changes are no longer copied (nothing is kept for a freeze that is over).
  change(0);
  assert.equal(live[0], -1);
});

test('without a freeze, or on another array, a change copies nothing', () => {
  const pages = new FrozenPages<Float32Array>();
  const array = new Float32Array(10_000);
  pages.beforeChange(array, 0, 100);
  const encode = pages.freeze(array, 5000);
  pages.beforeChange(new Float32Array(10_000), 0, 100);
  array.fill(1, 0, 100);
  const w = new ByteWriter();
  runAll(encode(w));
  // The change above was not announced for the frozen array, so the encoding sees it: only `beforeChange` protects.
  assert.equal(new Float32Array(w.finish().slice(4).buffer)[0], 1);
});
