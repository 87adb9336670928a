/**
 * The engine's model deltas (src/learn/online/model-delta.ts; src/cluster/model-deltas.ts carries them): the
 * learners' own delta, plus the exploration outcomes and each person's newly seen videos since the last one.
 */
import type { ExplorationPool } from '../../learn/exploration/exploration-pool.ts';
import { ByteReader, ByteWriter } from '../../learn/online/bytes.ts';
import { droppedUpdates } from '../../learn/online/finite.ts';
import type { OnlineLearners } from '../../learn/online/learners.ts';
import type { ModelDelta } from '../../learn/online/model-delta.ts';
import type { SeenVideos } from './seen-videos.ts';

interface Recorded {
  outcomes: Map<string, { completions: number; likes: number }>;
  seen: Map<string, Set<string>>;
}

export class EngineDeltas {
  /** While recording: exploration outcomes and each person's newly seen videos since the last delta. */
  private recorded: Recorded | undefined;

  constructor(
    /** The learners, every queued event learned first (a restore replaces them). */
    private readonly learners: () => OnlineLearners,
    private readonly exploration: ExplorationPool,
    private readonly seen: SeenVideos,
    /** Called before another replica's delta is applied. */
    private readonly beforeApply: () => void,
  ) {}

  /** From now on, records what is learned from this replica's own events, for `take`: call it after the engine's `load`. */
  record(): void {
    const recorded: Recorded = { outcomes: new Map(), seen: new Map() };
    this.recorded = recorded;
    this.learners().deltas.recordDeltas();
    this.exploration.onOutcomes = (videoId, completions, likes) => {
      const o = recorded.outcomes.get(videoId) ?? { completions: 0, likes: 0 };
      o.completions += completions;
      o.likes += likes;
      recorded.outcomes.set(videoId, o);
    };
  }

  /** The person saw or acted on the video: the next delta tells the other replicas. */
  seenBy(userId: string, videoId: string): void {
    if (this.recorded === undefined) return;
    let seen = this.recorded.seen.get(userId);
    if (seen === undefined) this.recorded.seen.set(userId, (seen = new Set()));
    seen.add(videoId);
  }

  /** People whose state goes into the next delta. */
  get peopleInNext(): number {
    return this.learners().deltas.peopleInDelta;
  }

  /** Videos and Swing pairs the next delta holds an entry for. */
  get itemEntriesInNext(): number {
    return this.learners().deltas.itemEntriesInDelta;
  }

  /** What was learned from this replica's own events since the last delta, each touched person's state whole. */
  take(): ModelDelta {
    const learners = this.learners();
    const recorded = this.recorded;
    if (recorded === undefined) throw new Error('takeDelta without recordDeltas');
    const { item, people } = learners.deltas.takeDelta();
    const delta: ModelDelta = {
      ...item,
      exploration: [...recorded.outcomes].map(([videoId, o]) => ({ videoId, ...o })),
      people: people.map((userId) => {
        const w = new ByteWriter();
        learners.deltas.writePerson(userId, w);
        w.strings([...(recorded.seen.get(userId) ?? [])]);
        return { userId, bytes: w.finish().slice() };
      }),
    };
    recorded.outcomes.clear();
    recorded.seen.clear();
    return delta;
  }

  /**
   * Applies another replica's delta: item-level increments are added, each person in it replaced by their
   * shard's copy (`owner` says whether this replica is that shard, which alone keeps their open exposures).
   */
  apply(delta: ModelDelta, owner: (userId: string) => boolean): void {
    const learners = this.learners();
    // A delta that would bring in a non-finite number is dropped whole, its people and outcomes too.
    const outcomesFinite = delta.exploration.every((o) => Number.isFinite(o.completions) && Number.isFinite(o.likes));
    if (!outcomesFinite) droppedUpdates.drop('model delta', 'a model delta');
    if (!outcomesFinite || !learners.deltas.applyItemDelta(delta)) return;
    this.beforeApply();
    for (const { videoId, completions, likes } of delta.exploration) this.exploration.addOutcomes(videoId, completions, likes);
    for (const { userId, bytes } of delta.people) {
      const r = new ByteReader(bytes);
      learners.deltas.readPerson(userId, r, owner(userId));
      this.seen.addAll(userId, r.strings());
    }
  }
}
