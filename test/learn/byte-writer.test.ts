/**
 * The snapshot writer grows by chunks instead of doubling one buffer: what it gives back, whole or in pieces,
 * is every byte written in order, whatever straddles the chunks' ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter } from '../../src/learn/online/bytes.ts';
import { seededRandom } from '../../src/core/random.ts';

test('values written across many chunks read back in order, from the whole bytes and from the pieces joined', () => {
  const random = seededRandom(5);
  // A small first chunk, so the writer adds chunks often, and typed arrays larger than a chunk.
  const w = new ByteWriter(16);
  const written: (number | string | Float32Array)[] = [];
  for (let i = 0; i < 3000; i++) {
    const kind = i % 4;
    const value = [i, random(), `video-${i}-é`, Float32Array.from({ length: 1 + (i % 97) * 50 }, () => random())][kind]!;
    written.push(value);
    if (kind === 0) w.u32(value as number);
    else if (kind === 1) w.f64(value as number);
    else if (kind === 2) w.str(value as string);
    else w.array(value as Float32Array);
  }
  const whole = w.finish();
  assert.equal(whole.length, w.length);
  const pieces = w.pieces();
  assert.ok(pieces.length > 10, `${pieces.length} chunks`);
  assert.deepEqual(Buffer.concat(pieces), Buffer.from(whole));
  const r = new ByteReader(whole);
  written.forEach((value, i) => {
    const kind = i % 4;
    if (kind === 0) assert.equal(r.u32(), value);
    else if (kind === 1) assert.equal(r.f64(), value);
    else if (kind === 2) assert.equal(r.str(), value);
    else assert.deepEqual(r.f32(), value);
  });
});

test('a writer that fits its first chunk gives a view of it, not a copy', () => {
  const w = new ByteWriter(64);
  w.u32(7);
  w.str('abc');
  const first = w.finish();
  w.u32(9);
  assert.equal(w.pieces().length, 1);
  assert.equal(first.buffer, w.finish().buffer);
});
