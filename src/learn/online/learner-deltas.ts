/**
 * Model deltas between replicas (see model-delta.ts): what this replica learns from its own events is recorded
 * for its next delta, and other replicas' deltas are added in. Each person in a delta travels whole.
 */
import { allFinite, allFloat32, FLOAT32_MAX } from '../../core/float32.ts';
import type { ByteReader, ByteWriter } from './bytes.ts';
import { droppedUpdates } from './finite.ts';
import { newFeatures, type Exposure } from './exposures.ts';
import type { LearnedParts } from './learned-parts.ts';
import type { ItemDelta } from './model-delta.ts';
import { ModelDeltaRecorder } from './model-delta-recorder.ts';

export class LearnerDeltas {
  /** What this replica learns from its own events, for its next model delta; undefined unless it publishes deltas. */
  private recorder: ModelDeltaRecorder | undefined;
  /** Another replica's delta moved the content projection: the content-only item vectors are due a refresh. */
  private contentVectorsStale = false;

  constructor(private readonly parts: LearnedParts) {}

  /** From now on, records what this replica learns from its own events for `takeDelta` (after any restore: a restore replaces the parts it watches). */
  recordDeltas(): void {
    const { counters, factorization, ranker, catalog, baseline, swing } = this.parts;
    const recorder = new ModelDeltaRecorder(this.parts.config.statsHalfLifeMs, {
      counters,
      projection: factorization.projection,
      ranker: ranker.parameters,
      videoId: (slot) => catalog.get(slot).id,
      itemRow: (videoId) => {
        const row = factorization.videos.row(videoId);
        return row === undefined ? undefined : { vector: factorization.videos.vector(row), lastSeen: factorization.videos.lastSeenOf(row) };
      },
    });
    this.recorder = recorder;
    counters.onAdd = (slot, counter, amount, ts) => recorder.counter(slot, counter, amount, ts);
    counters.decayLateAdds = true;
    baseline.onObserve = (bucket, ratio) => recorder.play(bucket, ratio);
    factorization.onItemStep = (videoId, row) => recorder.itemStep(videoId, row);
    swing.onPair = (a, b, amount) => recorder.pair(a, b, amount);
  }

  /** An event of this person was learned: it counts towards the next delta, which carries their state. */
  eventLearned(userId: string): void {
    if (this.recorder === undefined) return;
    this.recorder.events++;
    this.recorder.clock = this.parts.clock;
    this.recorder.people.add(userId);
  }

  /** The person's state changed other than by an event (a refresh): the next delta carries it. */
  personChanged(userId: string): void {
    this.recorder?.people.add(userId);
  }

  /** The person was erased: no delta carries them any more. */
  personErased(userId: string): void {
    this.recorder?.people.delete(userId);
  }

  /** People whose state goes into the next delta. */
  get peopleInDelta(): number {
    return this.recorder?.people.size ?? 0;
  }

  /** Videos and Swing pairs the next delta holds an entry for. */
  get itemEntriesInDelta(): number {
    return this.recorder?.itemEntries ?? 0;
  }

  /** What was learned from this replica's own events since the last call: item-level increments, and the people touched. */
  takeDelta(): { item: ItemDelta; people: string[] } {
    if (this.recorder === undefined) throw new Error('takeDelta without recordDeltas');
    return this.recorder.take();
  }

  /**
   * Adds another replica's item-level increments. Entries of videos this replica's catalog does not hold are
   * skipped: the caller adds the delta's videos first. False, and nothing taken, when the delta would bring
   * in a non-finite number.
   */
  applyItemDelta(d: ItemDelta): boolean {
    if (!this.deltaKeepsFinite(d)) {
      droppedUpdates.drop('model delta', 'a model delta');
      return false;
    }
    const { catalog, counters, baseline, factorization, ranker, swing } = this.parts;
    const slotOf = (videoId: string) => catalog.slot(videoId);
    this.parts.events += d.events;
    this.parts.clock = Math.max(this.parts.clock, d.clock);
    for (const { videoId, ts, values } of d.counters) {
      const slot = slotOf(videoId);
      if (slot !== undefined) counters.addDecayed(slot, values, ts);
    }
    baseline.merge(d.baseline.counts, d.baseline.sums);
    const videos = factorization.videos;
    for (const { videoId, increment, value, lastSeen } of d.rows) {
      const slot = slotOf(videoId);
      if (slot === undefined || increment.length !== videos.width) continue;
      const existing = videos.row(videoId);
      if (existing === undefined) videos.vector(videos.admit(videoId, lastSeen)).set(value);
      else {
        videos.addTo(existing, increment);
        videos.touchIfAdmitted(videoId, lastSeen);
        this.recorder?.remoteRow(videoId, increment);
      }
      this.parts.refreshVector(slot);
    }
    if (d.projection !== undefined && factorization.addToProjection(d.projection)) {
      this.recorder?.remoteProjection(d.projection);
      this.contentVectorsStale = true;
    }
    if (d.ranker !== undefined && ranker.addIncrement(d.ranker.weights, d.ranker.squaredGradients)) {
      this.recorder?.remoteRanker(d.ranker.weights, d.ranker.squaredGradients);
    }
    for (const { a, b, amount } of d.swing) {
      const [sa, sb] = [slotOf(a), slotOf(b)];
      if (sa !== undefined && sb !== undefined) swing.addPair(sa, sb, amount);
    }
    return true;
  }

  /** Whether a delta holds finite numbers only, and adding it leaves every row, the projection and the ranker finite. */
  private deltaKeepsFinite(d: ItemDelta): boolean {
    if (!Number.isFinite(d.events) || !Number.isFinite(d.clock) || !allFinite(d.baseline.counts) || !allFinite(d.baseline.sums)) return false;
    if (!d.counters.every((c) => Number.isFinite(c.ts) && allFinite(c.values))) return false;
    if (!d.swing.every((p) => Number.isFinite(p.amount))) return false;
    const { factorization, ranker } = this.parts;
    const videos = factorization.videos;
    for (const { videoId, increment, value, lastSeen } of d.rows) {
      if (!allFloat32(increment) || !allFloat32(value) || !Number.isFinite(lastSeen)) return false;
      const existing = videos.row(videoId);
      if (existing !== undefined && !sumsFit(videos.vector(existing), increment, FLOAT32_MAX)) return false;
    }
    if (d.projection !== undefined && !sumsFit(factorization.projection, d.projection, FLOAT32_MAX)) return false;
    const [weights, squared] = ranker.parameters;
    if (d.ranker !== undefined && !(sumsFit(weights, d.ranker.weights, Number.MAX_VALUE) && sumsFit(squared, d.ranker.squaredGradients, Number.MAX_VALUE)))
      return false;
    return true;
  }

  /** Refreshes the content-only item vectors if another replica's delta moved the projection since the last call. */
  refreshStaleContentVectors(): void {
    if (!this.contentVectorsStale) return;
    this.contentVectorsStale = false;
    this.parts.refreshContentVectors();
  }

  /** One person's whole state (embedding row, taste, kept positives, open exposures), by video id, for a model delta. */
  writePerson(userId: string, w: ByteWriter): void {
    const { factorization, taste, exposures, catalog } = this.parts;
    factorization.users.writeEntry(userId, w);
    taste.writeEntry(userId, w);
    w.strings(this.parts.keptPositives(userId));
    const open = exposures.of(userId);
    w.u32(open.length);
    for (const e of open) {
      w.str(catalog.get(e.slot).id);
      w.f64(e.openedAt);
      w.array(e.features);
      w.f64(e.relativeWatch);
      w.u32(e.flags);
    }
  }

  /**
   * Replaces the person's state with what `writePerson` wrote on their shard. Open exposures are taken only by
   * the person's own shard (`owner`, restarting from its deltas): any other replica would settle them again.
   */
  readPerson(userId: string, r: ByteReader, owner: boolean): void {
    const { factorization, taste, swing, exposures, catalog } = this.parts;
    factorization.users.readEntry(userId, r);
    taste.readEntry(userId, r);
    const slots = (ids: string[]) => ids.map((id) => catalog.slot(id)).filter((s) => s !== undefined);
    swing.setPositives(userId, slots(r.strings()));
    const open: Exposure[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const slot = catalog.slot(r.str());
      const exposure = { openedAt: r.f64(), features: r.f32Into(newFeatures), relativeWatch: r.f64(), flags: r.u32() };
      if (slot !== undefined) open.push({ slot, ...exposure });
    }
    if (owner) exposures.set(userId, open);
    if (!this.personIsFinite(userId, open)) {
      droppedUpdates.drop('person in delta', "a person's state in a model delta");
      // Forgotten rather than kept half-poisoned: the person starts over, as after a refresh.
      factorization.users.delete(userId);
      taste.reset(userId, true);
      swing.forgetUser(userId);
      exposures.forget(userId);
    }
  }

  private personIsFinite(userId: string, open: readonly Exposure[]): boolean {
    const { factorization, taste } = this.parts;
    const row = factorization.users.row(userId);
    if (row !== undefined && !allFloat32(factorization.users.vector(row))) return false;
    const profile = taste.get(userId);
    if (profile !== undefined && ![...profile.affinities.values()].every((a) => Number.isFinite(a.value) && Number.isFinite(a.ts))) return false;
    return open.every((e) => allFloat32(e.features) && Number.isFinite(e.relativeWatch) && Number.isFinite(e.openedAt));
  }
}

/** Whether `a[i] + b[i]` stays within ±max (and is not NaN) for every i both have. */
function sumsFit(a: ArrayLike<number>, b: ArrayLike<number>, max: number): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const sum = a[i]! + b[i]!;
    if (!(sum <= max && sum >= -max)) return false;
  }
  return true;
}
