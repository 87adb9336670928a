import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readKuaiRec } from '../../src/eval/readers/kuairec.ts';
import { readAtomicInteractions } from '../../src/eval/readers/movielens.ts';
import { float16ToNumber, readNpyMatrix } from '../../src/eval/readers/npy.ts';
import { readTiktokSplit, readUserItemPairs } from '../../src/eval/readers/tiktok.ts';
import { tempDir } from '../support/fixtures.ts';
import { npyBytes } from './data.ts';

test('float16 decoding covers normal, subnormal, zero, infinity and NaN', () => {
  assert.equal(float16ToNumber(0x3c00), 1);
  assert.equal(float16ToNumber(0xc000), -2);
  assert.equal(float16ToNumber(0x3555), 0.333251953125);
  assert.equal(float16ToNumber(0x0001), 2 ** -24);
  assert.equal(float16ToNumber(0x0000), 0);
  assert.equal(float16ToNumber(0x7c00), Infinity);
  assert.ok(Number.isNaN(float16ToNumber(0x7e00)));
});

test('.npy matrices are read in float32 and float16; bad files are refused with the reason', () => {
  const dir = tempDir();
  const f4 = join(dir, 'a.npy');
  writeFileSync(f4, npyBytes(2, 3, [1, 2, 3, 4, 5, 6.5]));
  assert.deepEqual(readNpyMatrix(f4), { rows: 2, columns: 3, values: Float32Array.from([1, 2, 3, 4, 5, 6.5]) });
  const f2 = join(dir, 'b.npy');
  writeFileSync(f2, npyBytes(1, 2, [0x3c00, 0xc000], '<f2'));
  assert.deepEqual([...readNpyMatrix(f2).values], [1, -2]);

  const truncated = join(dir, 'c.npy');
  writeFileSync(truncated, npyBytes(2, 3, [1, 2, 3, 4, 5, 6]).subarray(0, 140));
  assert.throws(() => readNpyMatrix(truncated), /c\.npy: file is truncated/);
  const text = join(dir, 'd.npy');
  writeFileSync(text, 'user,item\n1,2\n');
  assert.throws(() => readNpyMatrix(text), /d\.npy: not a NumPy \.npy file/);
  assert.throws(() => readNpyMatrix(join(dir, 'missing.npy')), /data file not found: .*missing\.npy/);
});

test('CSV readers name the file and line of a bad row', async () => {
  const dir = tempDir();
  const pairs = join(dir, 'train.csv');
  writeFileSync(pairs, 'user,item\n0,1\n\n1,x\n');
  await assert.rejects(readUserItemPairs(pairs), (err: Error) => err.message === `${pairs}:4: column item is not a non-negative integer id: "x"`);
  writeFileSync(pairs, 'user,video\n0,1\n');
  await assert.rejects(readUserItemPairs(pairs), /train\.csv:1: header lacks column\(s\) item/);
  writeFileSync(pairs, '');
  await assert.rejects(readUserItemPairs(pairs), /file is empty/);

  const kuairec = join(dir, 'k.csv');
  writeFileSync(kuairec, 'user_id,video_id,watch_ratio\n1,2,0.5\n1,3,-1\n');
  await assert.rejects(readKuaiRec(kuairec), /k\.csv:3: watch_ratio is negative/);
  writeFileSync(kuairec, 'user_id,video_id,watch_ratio\n1,2,0.5\n1,3\n');
  await assert.rejects(readKuaiRec(kuairec), /k\.csv:3: column watch_ratio is empty/);

  const inter = join(dir, 'x.inter');
  writeFileSync(inter, 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t2\t5\t100\n1\t3\t4\tsoon\n');
  await assert.rejects(readAtomicInteractions(inter), /x\.inter:3: column timestamp is not a number/);
});

test('a TikTok split whose feature rows do not match the item ids is refused', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train.csv'), 'user,item\n0,0\n0,4\n');
  writeFileSync(join(dir, 'val.csv'), 'user,item\n0,1\n');
  writeFileSync(join(dir, 'image_feat.npy'), npyBytes(3, 1, [1, 2, 3]));
  await assert.rejects(readTiktokSplit(dir), /image_feat\.npy: 3 rows of features, but item ids go up to 4/);
});
