/**
 * A model delta: what one learner shard learned since its previous delta, for every other replica of the
 * model (the other shards, the serving nodes) to apply. Item-level state travels as increments keyed by video
 * id (slots are each replica's own), which replicas add up; each person it touched travels whole, as their
 * shard's copy of them (a person's events all go to one shard). See docs/scaling.md for what is exact.
 */
import { MoteurError } from '../../core/errors.ts';
import { ByteReader, ByteWriter, readHeader, writeHeader } from './bytes.ts';

const MAGIC = 'moteur-model-delta';
const FORMAT = 2;
const PEOPLE_MAGIC = 'moteur-model-delta-people';
const PEOPLE_FORMAT = 1;

/** What the online learners' item-level state gained: each part an increment, to be added. */
export interface ItemDelta {
  /** Events learned. */
  events: number;
  /** The latest event time seen. */
  clock: number;
  /** Per video, each counter's increment decayed to `ts` (see VideoCounters.addDecayed). */
  counters: { videoId: string; ts: number; values: Float64Array }[];
  /** Per duration bucket, the plays and the sum of their watch ratios. */
  baseline: { counts: Float64Array; sums: Float64Array };
  /** Item embedding rows that took SGD steps: the sum of the steps, and the row as the sender has it (for a replica without the row). */
  rows: { videoId: string; increment: Float32Array; value: Float32Array; lastSeen: number }[];
  /** The content projection's and the ranker's increments, when they moved. */
  projection: Float32Array | undefined;
  ranker: { weights: Float64Array; squaredGradients: Float64Array } | undefined;
  /** Swing pair contributions. */
  swing: { a: string; b: string; amount: number }[];
}

/** A whole delta: the item-level part, the exploration outcomes, and each touched person's state (sealed on the wire). */
export interface ModelDelta extends ItemDelta {
  exploration: { videoId: string; completions: number; likes: number }[];
  people: { userId: string; bytes: Uint8Array }[];
}

/** A delta as a shard publishes it: who sent it and the last log position (of the sender's part) it covers. */
export interface DeltaMessage {
  shard: number;
  shards: number;
  position: number;
  delta: ModelDelta;
  /** When the people travel apart, in their regions: where each region's part of them is (`delta.people` is then empty). */
  peopleParts?: PeoplePart[] | undefined;
}

/** Where a region's people of a delta were published: the region, and the message's sequence in its stream. */
export interface PeoplePart {
  region: string;
  seq: number;
}

export function encodeDelta({ shard, shards, position, delta: d, peopleParts = [] }: DeltaMessage): Uint8Array {
  const w = new ByteWriter();
  writeHeader(w, MAGIC, FORMAT);
  w.u32(shard);
  w.u32(shards);
  w.f64(position);
  w.f64(d.events);
  w.f64(d.clock);
  writeList(w, d.counters, (c) => (w.str(c.videoId), w.f64(c.ts), w.array(c.values)));
  w.array(d.baseline.counts);
  w.array(d.baseline.sums);
  writeList(w, d.rows, (r) => (w.str(r.videoId), w.array(r.increment), w.array(r.value), w.f64(r.lastSeen)));
  w.array(d.projection ?? new Float32Array(0));
  w.array(d.ranker?.weights ?? new Float64Array(0));
  w.array(d.ranker?.squaredGradients ?? new Float64Array(0));
  writeList(w, d.swing, (p) => (w.str(p.a), w.str(p.b), w.f64(p.amount)));
  writeList(w, d.exploration, (e) => (w.str(e.videoId), w.u32(e.completions), w.u32(e.likes)));
  writePeople(w, d.people);
  writeList(w, peopleParts, (p) => (w.str(p.region), w.f64(p.seq)));
  return w.finish().slice();
}

/** Reads what `encodeDelta` wrote; throws `snapshot_corrupt` on anything else (a receiver ignores such a message). */
export function decodeDelta(bytes: Uint8Array): DeltaMessage {
  const r = new ByteReader(bytes);
  readHeader(r, MAGIC, FORMAT, 'a model delta');
  const shard = r.u32();
  const shards = r.u32();
  const position = r.f64();
  const events = r.f64();
  const clock = r.f64();
  const counters = readList(r, () => ({ videoId: r.str(), ts: r.f64(), values: r.f64s() }));
  const baseline = { counts: r.f64s(), sums: r.f64s() };
  const rows = readList(r, () => ({ videoId: r.str(), increment: r.f32(), value: r.f32(), lastSeen: r.f64() }));
  const projection = r.f32();
  const weights = r.f64s();
  const squaredGradients = r.f64s();
  const swing = readList(r, () => ({ a: r.str(), b: r.str(), amount: r.f64() }));
  const exploration = readList(r, () => ({ videoId: r.str(), completions: r.u32(), likes: r.u32() }));
  const people = readPeople(r);
  const peopleParts = readList(r, () => ({ region: r.str(), seq: r.f64() }));
  if (!r.done) throw new MoteurError('snapshot_corrupt', 'a model delta has trailing bytes');
  const ranker = weights.length === 0 ? undefined : { weights, squaredGradients };
  const delta = { events, clock, counters, baseline, rows, projection: projection.length === 0 ? undefined : projection, ranker, swing, exploration, people };
  return { shard, shards, position, delta, ...(peopleParts.length > 0 && { peopleParts }) };
}

/** One region's people of a delta, as published apart from the rest. */
export function encodePeople(people: ModelDelta['people']): Uint8Array {
  const w = new ByteWriter();
  writeHeader(w, PEOPLE_MAGIC, PEOPLE_FORMAT);
  writePeople(w, people);
  return w.finish().slice();
}

export function decodePeople(bytes: Uint8Array): ModelDelta['people'] {
  const r = new ByteReader(bytes);
  readHeader(r, PEOPLE_MAGIC, PEOPLE_FORMAT, "a model delta's people");
  const people = readPeople(r);
  if (!r.done) throw new MoteurError('snapshot_corrupt', "a model delta's people have trailing bytes");
  return people;
}

const writePeople = (w: ByteWriter, people: ModelDelta['people']) => writeList(w, people, (p) => (w.str(p.userId), w.array(p.bytes)));
const readPeople = (r: ByteReader): ModelDelta['people'] => readList(r, () => ({ userId: r.str(), bytes: r.u8s() }));

function writeList<T>(w: ByteWriter, items: readonly T[], each: (item: T) => void): void {
  w.u32(items.length);
  for (const item of items) each(item);
}

function readList<T>(r: ByteReader, each: () => T): T[] {
  return Array.from({ length: r.u32() }, each);
}
