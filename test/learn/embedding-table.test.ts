import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader, ByteWriter } from '../../src/learn/online/bytes.ts';
import { EmbeddingTable } from '../../src/learn/online/embedding-table.ts';
import { wholeReader, wholeWriter } from '../../src/learn/online/person-bytes.ts';

const DAY = 86_400_000;
const fillWith = (x: number) => (row: Float32Array) => row.fill(x);

test('an id gets a row only once it has occurred admitAfter times', () => {
  const table = new EmbeddingTable(4, { admitAfter: 3, ttlMs: DAY });
  assert.equal(table.touch('a', 1, fillWith(1)), undefined);
  assert.equal(table.touch('a', 2, fillWith(1)), undefined);
  assert.equal(table.size, 0);
  assert.equal(table.pendingSize, 1);
  const row = table.touch('a', 3, fillWith(1));
  assert.equal(row, 0);
  assert.deepEqual([...table.vector(row!)], [1, 1, 1, 1]);
  assert.equal(table.touch('a', 4, fillWith(9)), 0, 'an admitted id keeps its row and values');
  assert.deepEqual([...table.vector(0)], [1, 1, 1, 1]);
  assert.equal(table.pendingSize, 0);
});

test('distinct ids never share a row', () => {
  const table = new EmbeddingTable(2, { admitAfter: 1, ttlMs: DAY });
  const rows = new Set<number>();
  for (let i = 0; i < 5000; i++) rows.add(table.touch(`id-${i}`, 1, fillWith(i))!);
  assert.equal(rows.size, 5000);
  assert.equal(table.vector(table.row('id-4321')!)[0], 4321);
});

test('ids unseen for ttlMs are evicted, zeroed, and their rows recycled', () => {
  const table = new EmbeddingTable(3, { admitAfter: 1, ttlMs: DAY });
  const old = table.touch('old', 0, fillWith(7))!;
  table.touch('fresh', 0, fillWith(5));
  table.touch('fresh', 2 * DAY, fillWith(5));
  const alsoOld = table.touch('also-old', 0, fillWith(1))!;
  assert.deepEqual(table.evict(2 * DAY).sort(), ['also-old', 'old']);
  assert.equal(table.row('old'), undefined);
  assert.equal(table.row('fresh'), 1);
  assert.deepEqual([...table.vector(old)], [0, 0, 0], 'an evicted row keeps nothing of its id');
  const reused = [table.touch('new', 3 * DAY, fillWith(2)), table.touch('newer', 3 * DAY, fillWith(2))];
  assert.deepEqual(reused.sort(), [old, alsoOld].sort(), 'freed rows are reused before the arena grows');
  assert.equal(table.size, 3);
});

test('pending ids are evicted too, so one-off ids do not accumulate', () => {
  const table = new EmbeddingTable(1, { admitAfter: 5, ttlMs: DAY });
  for (let i = 0; i < 100; i++) table.touch(`once-${i}`, 0, fillWith(0));
  table.touch('recent', DAY, fillWith(0));
  table.evict(DAY + 1);
  assert.equal(table.pendingSize, 1);
});

test('a table read back from its bytes writes the same bytes', () => {
  const table = new EmbeddingTable(2, { admitAfter: 2, ttlMs: DAY });
  for (let i = 0; i < 200; i++) table.touch(`id-${i % 70}`, i, fillWith(i));
  table.delete('id-3');
  const w = new ByteWriter();
  table.write(wholeWriter(w));
  const bytes = w.finish();
  const copy = EmbeddingTable.read(wholeReader(new ByteReader(bytes)), 2, { admitAfter: 2, ttlMs: DAY });
  const again = new ByteWriter();
  copy.write(wholeWriter(again));
  assert.deepEqual(again.finish(), bytes);
  assert.equal(copy.row('id-10'), table.row('id-10'));
  assert.equal(copy.touch('id-99', 0, fillWith(0)), undefined, 'pending counts survive');
});
