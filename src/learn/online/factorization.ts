/**
 * Online matrix factorisation on implicit feedback, two-tower style: a user vector and a video vector per
 * admitted id (each row is `dim` factors then a bias), trained by one logistic SGD step per labelled event:
 *   P(engage | u, v) = σ(u · v + b_v)
 * Videos nobody has watched enough to be admitted are represented by a learned projection of their content
 * vector, W · c (W starts as the identity when the dimensions match, so the content vector is the prior
 * item vector). W is trained on the examples of those videos, the regime it serves, and an admitted video's
 * row starts from W · c.
 */
import type { OnlineConfig } from './config.ts';
import type { Encoding } from './encoding.ts';
import { dotPlusBiasAt, EmbeddingTable } from './embedding-table.ts';
import { allFloat32, FLOAT32_MAX } from '../../core/float32.ts';
import { droppedUpdates } from './finite.ts';
import { wholeReader, wholeWriter, type PersonReader, type PersonWriter } from './person-bytes.ts';
import type { Rng } from '../../core/random.ts';
import type { VideoCatalog } from './video-catalog.ts';

const INIT_SCALE = 0.1;

export class Factorization {
  readonly dim: number;
  users: EmbeddingTable;
  videos: EmbeddingTable;
  /** Projection W (dim × contentDim, row-major) from content vectors to item vectors. */
  projection: Float32Array;
  private readonly scratch: Float32Array;
  private readonly userScratch: Float32Array;
  private readonly nextUser: Float32Array;
  private readonly nextItem: Float64Array;
  /** Told of a video row about to take an SGD step while a model delta is being recorded. */
  onItemStep: ((videoId: string, row: Float32Array) => void) | undefined;

  constructor(
    private readonly config: OnlineConfig,
    private readonly catalog: VideoCatalog,
  ) {
    this.dim = config.dim;
    this.users = new EmbeddingTable(config.dim + 1, config.users);
    this.videos = new EmbeddingTable(config.dim + 1, config.videos);
    this.projection = new Float32Array(config.dim * config.contentDim);
    if (config.dim === config.contentDim) for (let i = 0; i < config.dim; i++) this.projection[i * config.contentDim + i] = 1;
    else for (let i = 0; i < this.projection.length; i++) this.projection[i] = pseudoRandom(i, config.seed) / Math.sqrt(config.contentDim);
    this.scratch = new Float32Array(config.dim + 1);
    this.userScratch = new Float32Array(config.dim);
    this.nextUser = new Float32Array(config.dim);
    // Float64, so that a value too large for float32 shows as such instead of as an infinity.
    this.nextItem = new Float64Array(config.dim + 1);
  }

  /** Counts an occurrence of the user; their row once admitted, started from `prior()` when it has one. */
  touchUser(userId: string, ts: number, rng: Rng, prior: () => Float32Array | undefined): number | undefined {
    return this.users.touch(userId, ts, (row) => {
      const start = prior();
      for (let i = 0; i < this.dim; i++) row[i] = start !== undefined ? start[i]! : (INIT_SCALE * rng.normal()) / Math.sqrt(this.dim);
    });
  }

  touchVideo(slot: number, ts: number, rng: Rng): number | undefined {
    const facts = this.catalog.get(slot);
    return (
      this.videos.touchIfAdmitted(facts.id, ts) ??
      this.videos.touch(facts.id, ts, (row) => {
        if (facts.hasContent) this.project(slot, row);
        else for (let i = 0; i < this.dim; i++) row[i] = (INIT_SCALE * rng.normal()) / Math.sqrt(this.dim);
      })
    );
  }

  /** W · c for a catalog slot, written into `out` (bias left untouched). */
  project(slot: number, out: Float32Array): void {
    const c = this.catalog.contentOf(slot);
    const cd = this.config.contentDim;
    for (let i = 0, o = 0; i < this.dim; i++, o += cd) {
      let sum = 0;
      for (let j = 0; j < cd; j++) sum += this.projection[o + j]! * c[j]!;
      out[i] = sum;
    }
  }

  /**
   * The video's vector and bias as the model sees it now: its own row when admitted, else its projected content
   * (bias 0), else undefined (no row and no content: nothing is known).
   */
  itemVector(slot: number): Float32Array | undefined {
    const row = this.videos.row(this.catalog.get(slot).id);
    if (row !== undefined) return this.videos.vector(row);
    if (!this.catalog.get(slot).hasContent) return undefined;
    this.project(slot, this.scratch);
    this.scratch[this.dim] = 0;
    return this.scratch;
  }

  /** u · v + b_v for a user row vector and a video. */
  logit(user: Float32Array, slot: number): number {
    const item = this.itemVector(slot);
    return item === undefined ? 0 : dotPlusBiasAt(user, item, 0, this.dim);
  }

  /** Wᵀ · u: lets a person's logit against any content-only video cost one short dot product. */
  throughProjection(user: Float32Array): Float32Array {
    const cd = this.config.contentDim;
    const out = new Float32Array(cd);
    for (let i = 0, o = 0; i < this.dim; i++, o += cd) {
      const ui = user[i]!;
      for (let j = 0; j < cd; j++) out[j] = out[j]! + ui * this.projection[o + j]!;
    }
    return out;
  }

  /** The same as `logit`, with Wᵀ · u (asked for only when the video has no row) computed once for many videos. */
  logitFast(user: Float32Array, userThroughProjection: () => Float32Array, slot: number): number {
    const facts = this.catalog.get(slot);
    const row = this.videos.row(facts.id);
    if (row !== undefined) return this.videos.dotPlusBias(row, user, this.dim);
    if (!facts.hasContent) return 0;
    const c = this.catalog.contentOf(slot);
    const projectedUser = userThroughProjection();
    let dot = 0;
    for (let j = 0; j < c.length; j++) dot += projectedUser[j]! * c[j]!;
    return dot;
  }

  /**
   * One weighted logistic SGD step towards `label` (1 engaged, 0 not) for an admitted user and a video.
   * Updates the user row, the video row when admitted, and the content projection when the video has content.
   * Returns the video's row (undefined when it has none).
   */
  train(userRow: number, slot: number, label: number, weight: number): number | undefined {
    const { learningRate: lr, regularization: reg, projectionLearningRate } = this.config.factorization;
    const u = this.users.vector(userRow);
    const before = this.userScratch;
    before.set(u.subarray(0, this.dim));
    const facts = this.catalog.get(slot);
    const videoRow = this.videos.row(facts.id);
    // Only videos without a row of their own use (and so train) the content projection.
    const projected = videoRow === undefined && facts.hasContent ? this.scratch : undefined;
    if (projected !== undefined) this.project(slot, projected);
    const item = videoRow !== undefined ? this.videos.vector(videoRow) : projected;
    if (item !== undefined) {
      let logit = videoRow !== undefined ? item[this.dim]! : 0;
      for (let i = 0; i < this.dim; i++) logit += before[i]! * item[i]!;
      const g = weight * (label - sigmoid(logit));
      // The step is worked out whole before any of it is taken: one that would overflow float32 is dropped.
      const nextUser = this.nextUser;
      const nextItem = this.nextItem;
      for (let i = 0; i < this.dim; i++) {
        const ui = before[i]!;
        nextUser[i] = ui + lr * (g * item[i]! - reg * ui);
        nextItem[i] = item[i]! + lr * (g * ui - reg * item[i]!);
      }
      nextItem[this.dim] = item[this.dim]! + lr * g;
      if (!allFloat32(nextUser) || (videoRow !== undefined && !allFloat32(nextItem))) {
        droppedUpdates.drop('sgd step', `an embedding step for video '${facts.id}'`);
        return videoRow;
      }
      if (videoRow !== undefined) this.onItemStep?.(facts.id, item);
      u.set(nextUser, 0);
      if (videoRow !== undefined) item.set(nextItem);
    }
    if (projected !== undefined) this.trainProjection(before, slot, projected, label, weight * projectionLearningRate);
    return videoRow;
  }

  /** The content tower's own step (W · c given): W learns to place content where users' vectors find it. */
  private trainProjection(user: Float32Array, slot: number, projected: Float32Array, label: number, scaledWeight: number): void {
    const c = this.catalog.contentOf(slot);
    const cd = this.config.contentDim;
    let dot = 0;
    for (let i = 0; i < this.dim; i++) dot += user[i]! * projected[i]!;
    const g = scaledWeight * (label - sigmoid(dot));
    // Checked before it is taken, like the embedding step (the content vector is unit length, the user's row finite).
    for (let i = 0, o = 0; i < this.dim; i++, o += cd) {
      const gi = g * user[i]!;
      if (gi === 0) continue;
      for (let j = 0; j < cd; j++) {
        const next = this.projection[o + j]! + gi * c[j]!;
        if (!(next <= FLOAT32_MAX && next >= -FLOAT32_MAX)) {
          droppedUpdates.drop('sgd step', `a content projection step for video '${this.catalog.get(slot).id}'`);
          return;
        }
      }
    }
    for (let i = 0, o = 0; i < this.dim; i++, o += cd) {
      const gi = g * user[i]!;
      if (gi === 0) continue;
      for (let j = 0; j < cd; j++) this.projection[o + j] = this.projection[o + j]! + gi * c[j]!;
    }
  }

  /** Adds another replica's increment of the content projection; false, and nothing added, when its shape differs. */
  addToProjection(increment: Float32Array): boolean {
    const { projection } = this;
    if (increment.length !== projection.length) return false;
    for (let i = 0; i < projection.length; i++) projection[i] = projection[i]! + increment[i]!;
    return true;
  }

  /** People's rows where `out` puts each person; videos' rows and the projection are item-level. */
  write(out: PersonWriter): void {
    this.users.write(out);
    this.videos.write(wholeWriter(out.shared));
    out.shared.array(this.projection);
  }

  /** The tables and the projection as they are now, to encode later in the same order as `write`. */
  freeze(): (out: PersonWriter) => Encoding {
    const users = this.users.freeze();
    const videos = this.videos.freeze();
    const projection = this.projection.slice();
    return function* (out) {
      yield* users(out);
      yield* videos(wholeWriter(out.shared));
      out.shared.array(projection);
    };
  }

  read(input: PersonReader): void {
    this.users = EmbeddingTable.read(input, this.dim + 1, this.config.users);
    this.videos = EmbeddingTable.read(wholeReader(input.shared), this.dim + 1, this.config.videos);
    this.projection = input.shared.f32();
  }
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** A fixed pseudo-random value in [-1, 1) for an index, so the projection's start depends on the seed only. */
function pseudoRandom(i: number, seed: number): number {
  let t = Math.imul(i + 1, 0x9e3779b1) ^ seed;
  t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
  t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
  return ((t ^ (t >>> 16)) >>> 0) / 2147483648 - 1;
}
