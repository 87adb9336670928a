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
 * A TikTok-format folder where no ranker is perfect by construction: people in `groups` taste groups, each group
 * with its own `videosPerGroup` videos whose appeal falls off steeply (a few hits, a long tail), plus a few videos
 * everyone watches. Each person engages with 6 videos drawn by appeal (mostly their group's, one in eight from the
 * shared hits) and one more held out in val.csv. Most popular finds some held-out videos (the shared hits, the
 * groups' hits); a model of the groups finds many more; reversing popularity finds almost none. The content
 * features (and the replay catalog's embeddings) name each video's group, with noise.
 */
export function writeTiktokDir(dir: string, groups = 4, videosPerGroup = 25, peoplePerGroup = 30): { users: number; items: number } {
  mkdirSync(join(dir, 'replay'), { recursive: true });
  const random = seededRandom(3);
  const shared = 6;
  const items = shared + groups * videosPerGroup;
  const groupOf = (item: number) => (item < shared ? -1 : Math.floor((item - shared) / videosPerGroup));
  const draw = (weights: number[]) => {
    let r = random() * weights.reduce((a, b) => a + b, 0);
    return weights.findIndex((w) => (r -= w) < 0);
  };
  const train = ['user,item'];
  const val = ['user,item'];
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < peoplePerGroup; k++) {
      const user = g * peoplePerGroup + k;
      const picked = new Set<number>();
      while (picked.size < 7) {
        picked.add(
          random() < 0.125
            ? draw(Array.from({ length: shared }, (_, i) => 1 / (i + 1)))
            : shared + g * videosPerGroup + draw(Array.from({ length: videosPerGroup }, (_, i) => 1 / (i + 1) ** 0.8)),
        );
      }
      const [heldOut, ...rest] = [...picked];
      for (const item of rest) train.push(`${user},${item}`);
      val.push(`${user},${heldOut}`);
    }
  }
  writeFileSync(join(dir, 'train.csv'), train.join('\n') + '\n');
  writeFileSync(join(dir, 'val.csv'), val.join('\n') + '\n');
  const dim = 32;
  const vectors = Array.from({ length: items }, (_, i) => {
    const v = Array.from({ length: dim }, (_, d) => (d === groupOf(i) + 1 ? 1 : 0) + 0.3 * (random() - 0.5));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
  writeFileSync(join(dir, 'image_feat.npy'), npyBytes(items, dim, vectors.flat()));
  const catalog = vectors.map((embedding, i) =>
    JSON.stringify({
      id: `v${i}`,
      creatorId: `c${i}`,
      durationMs: 15000,
      createdAt: '2020-01-01T00:00:00Z',
      region: 'us',
      language: 'en',
      embedding: embedding.map((x) => Number(x.toFixed(6))),
    }),
  );
  writeFileSync(join(dir, 'replay', 'videos.jsonl'), catalog.join('\n') + '\n');
  return { users: groups * peoplePerGroup, items };
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

export interface MovieLensOptions {
  /**
   * When set, each person rates `ratingsPerUser` distinct movies of their group drawn with weight 1/(r+1)^skew for the
   * group's r-th movie, so some movies are far more popular than others (unset: the even round-robin picks).
   */
  skew?: number;
  /** Rating lines ("user\titem\trating\ttimestamp") appended after the generated ones, for edge cases. */
  extraRows?: string[];
}

/**
 * A MovieLens-format folder (RecBole atomic files): people in two taste groups rating movies of their group,
 * at increasing timestamps; genres name the group.
 */
export function writeMovieLensDir(dir: string, usersPerGroup = 12, moviesPerGroup = 15, ratingsPerUser = 10, options: MovieLensOptions = {}): { rows: number } {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(5);
  const picks = options.skew === undefined ? undefined : skewedPicks(2 * usersPerGroup, moviesPerGroup, ratingsPerUser, options.skew);
  const lines = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  let ts = 880_000_000;
  for (let round = 0; round < ratingsPerUser; round++) {
    for (let group = 0; group < 2; group++) {
      for (let k = 0; k < usersPerGroup; k++) {
        const user = group * usersPerGroup + k + 1;
        const movie = group * moviesPerGroup + (picks ? picks[user - 1]![round]! : (k * 7 + round * 2) % moviesPerGroup) + 1;
        lines.push(`${user}\t${movie}\t${1 + Math.floor(random() * 5)}\t${(ts += 60)}`);
      }
    }
  }
  lines.push(...(options.extraRows ?? []));
  writeFileSync(join(dir, 'ml-100k.inter'), lines.join('\n') + '\n');
  const items = ['item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq'];
  for (let m = 1; m <= 2 * moviesPerGroup; m++) items.push(`${m}\tMovie ${m}\t1990\t${m <= moviesPerGroup ? 'Comedy Romance' : 'Action Thriller'}`);
  writeFileSync(join(dir, 'ml-100k.item'), items.join('\n') + '\n');
  return { rows: lines.length - 1 };
}

/** For each person, `count` distinct movie offsets in [0, movies), drawn with weight 1/(offset+1)^skew, in a random order. */
function skewedPicks(people: number, movies: number, count: number, skew: number): number[][] {
  const random = seededRandom(6);
  return Array.from({ length: people }, () => {
    const left = Array.from({ length: movies }, (_, m) => m);
    const chosen: number[] = [];
    while (chosen.length < Math.min(count, movies)) {
      const weights = left.map((m) => 1 / (m + 1) ** skew);
      let r = random() * weights.reduce((a, b) => a + b, 0);
      let at = 0;
      while (at < left.length - 1 && (r -= weights[at]!) > 0) at++;
      chosen.push(left.splice(at, 1)[0]!);
    }
    // Rated in a random order: the last rating is any of the chosen movies, not the least popular one.
    for (let k = chosen.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [chosen[k], chosen[j]] = [chosen[j]!, chosen[k]!];
    }
    return chosen;
  });
}

/**
 * A KuaiRec-format file, fully observed, where only the person tells what they will watch: people of two taste
 * groups (even and odd user ids) watch the videos of their own half of the catalog 2.2–3.7 times over (liked:
 * watch ratio ≥ 2) and the other half 0.2–0.7 times. Every video is liked by half of the people, so a score per
 * video (the per-video mean ranks by the quality within the halves) cannot find a person's liked videos; a
 * model that learns the person's group orders every person perfectly.
 */
export function writeKuaiRecTasteDir(dir: string, users = 40, videos = 30): { rows: number } {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(6);
  const quality = Array.from({ length: videos }, () => random());
  const lines = ['user_id,video_id,watch_ratio'];
  for (let u = 0; u < users; u++) {
    for (let v = 0; v < videos; v++) {
      const own = u % 2 === (v < videos / 2 ? 0 : 1);
      const ratio = own ? 2.2 + 1.5 * quality[v]! : 0.2 + 0.5 * quality[v]!;
      lines.push(`${u + 200},${v + 8000},${(ratio + 0.01 * random()).toFixed(5)}`);
    }
  }
  writeFileSync(join(dir, 'small_matrix_subset.csv'), lines.join('\n') + '\n');
  return { rows: users * videos };
}
