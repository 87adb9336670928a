import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/core/random.ts';

/** Small generated data sets in the real files' formats, built so that the right answer is known. */

/** A .npy file (format 1.0, little-endian, C order) as NumPy writes it. */
export function npyBytes(rows: number, columns: number, values: number[], dtype: '<f2' | '<f4' = '<f4'): Buffer {
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const width = dtype === '<f2' ? 2 : 4;
  const data = Buffer.alloc(values.length * width);
  values.forEach((v, k) => (width === 4 ? data.writeFloatLE(v, k * 4) : data.writeUInt16LE(v, k * 2)));
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

/**
 * A TikTok-format folder: people in `clusters` groups, each group engaging only with its own block of
 * `itemsPerCluster` videos (5 in training, 1 held out in val.csv), plus content features that name the block.
 * Any collaborative model must find the held-out video among the 4 unseen videos of the person's block.
 */
export function writeTiktokDir(dir: string, clusters = 4, itemsPerCluster = 10, usersPerCluster = 12): { users: number; items: number } {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(3);
  const train = ['user,item'];
  const val = ['user,item'];
  for (let c = 0; c < clusters; c++) {
    for (let k = 0; k < usersPerCluster; k++) {
      const user = c * usersPerCluster + k;
      const block = Array.from({ length: itemsPerCluster }, (_, i) => c * itemsPerCluster + i).sort(() => random() - 0.5);
      for (const item of block.slice(0, 5)) train.push(`${user},${item}`);
      val.push(`${user},${block[5]}`);
    }
  }
  writeFileSync(join(dir, 'train.csv'), train.join('\n') + '\n');
  writeFileSync(join(dir, 'val.csv'), val.join('\n') + '\n');
  const items = clusters * itemsPerCluster;
  const features = Array.from({ length: items }, (_, i) => Array.from({ length: 4 }, (_, d) => (d === Math.floor(i / itemsPerCluster) % 4 ? 1 : 0) + random() * 0.01)).flat();
  writeFileSync(join(dir, 'image_feat.npy'), npyBytes(items, 4, features));
  return { users: clusters * usersPerCluster, items };
}

/**
 * A KuaiRec-format file, fully observed: watch ratio = video quality × person's scale, so every person orders
 * videos the same way and the per-video mean (or anything that learns the video effect) ranks perfectly.
 */
export function writeKuaiRecDir(dir: string, users = 40, videos = 30): { rows: number } {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(4);
  const quality = Array.from({ length: videos }, (_, v) => 0.2 + (3 * v) / videos);
  const lines = ['user_id,video_id,watch_ratio'];
  for (let u = 0; u < users; u++) {
    const scale = 0.5 + random();
    for (let v = 0; v < videos; v++) lines.push(`${u + 100},${v + 7000},${(quality[v]! * scale).toFixed(5)}`);
  }
  writeFileSync(join(dir, 'small_matrix_subset.csv'), lines.join('\n') + '\n');
  return { rows: users * videos };
}

/**
 * A MovieLens-format folder (RecBole atomic files): people in two taste groups rating movies of their group,
 * at increasing timestamps; genres name the group.
 */
export function writeMovieLensDir(dir: string, usersPerGroup = 12, moviesPerGroup = 15, ratingsPerUser = 10): { rows: number } {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(5);
  const lines = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  let ts = 880_000_000;
  for (let round = 0; round < ratingsPerUser; round++) {
    for (let group = 0; group < 2; group++) {
      for (let k = 0; k < usersPerGroup; k++) {
        const user = group * usersPerGroup + k + 1;
        const movie = group * moviesPerGroup + ((k * 7 + round * 2) % moviesPerGroup) + 1;
        lines.push(`${user}\t${movie}\t${1 + Math.floor(random() * 5)}\t${(ts += 60)}`);
      }
    }
  }
  writeFileSync(join(dir, 'ml-100k.inter'), lines.join('\n') + '\n');
  const items = ['item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq'];
  for (let m = 1; m <= 2 * moviesPerGroup; m++) items.push(`${m}\tMovie ${m}\t1990\t${m <= moviesPerGroup ? 'Comedy Romance' : 'Action Thriller'}`);
  writeFileSync(join(dir, 'ml-100k.item'), items.join('\n') + '\n');
  return { rows: lines.length - 1 };
}
