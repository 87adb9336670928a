/**
 * When the engine's snapshot is written: periodically and at close when anything changed since the last one,
 * one at a time, frozen at once, then encoded in slices and written while requests and learning go on; an
 * erasure deletes the files and cancels a write still under way (the bytes name the person).
 */
import type { Encoding } from '../../learn/online/encoding.ts';
import { runInSlices } from '../../core/slices.ts';
import { removeRegionalFiles, writeRegionalFiles, writeRegionalFilesInBackground, type RegionalSnapshot } from '../../learn/online/regional-snapshot.ts';
import type { OnlineLearners } from '../../learn/online/learners.ts';
import { saveVectorIndex } from '../vector-index-file.ts';
import type { LearningPosition } from './position.ts';
import { warn } from '../../core/warnings.ts';

/** The longest the event loop is held by one slice of a snapshot's encoding. */
const ENCODE_SLICE_MS = 10;

/** The state frozen for a snapshot: its encoding, and what to call once it is done or given up. */
export interface FrozenState {
  encoding: Encoding<RegionalSnapshot>;
  thaw(): void;
}

export class SnapshotSchedule {
  /** The position the last snapshot holds (seq -1: none on disk that holds the current state). */
  private written = { seq: -1, deltas: 0 };
  private snapshotting: Promise<void> | undefined;
  /** Erasures so far: a snapshot encoded before one must not replace the file the erasure deleted. */
  private erasures = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string | undefined,
    private readonly regions: readonly string[],
    private readonly position: LearningPosition,
    /** The state's bytes now, every queued event learned first. */
    private readonly encode: () => RegionalSnapshot,
    /** The state frozen now, every queued event learned first, to encode in slices. */
    private readonly freeze: () => FrozenState,
    /** Acknowledged events not learned yet. */
    private readonly pendingEvents: () => number,
    private readonly learners: () => OnlineLearners,
  ) {}

  /** The state was just loaded up to `seq` from a snapshot (or from nothing): it is what is on disk. */
  loadedAt(seq: number): void {
    this.written.seq = seq;
  }

  /** Writes a snapshot every `everyMs` (when anything changed); `beforeSnapshot` lets the engine flush what it relies on. */
  start(everyMs: number, beforeSnapshot: () => Promise<void>): void {
    if (this.path === undefined) return;
    const periodic = () => this.snapshotNow(beforeSnapshot).catch((err: unknown) => warn('snapshot_not_written', 'snapshot not written', err));
    this.timer = setInterval(periodic, everyMs).unref();
  }

  /** Stops the timer, waits for a write under way, and writes a last snapshot if anything changed since. */
  async stop(beforeSnapshot: () => Promise<void>): Promise<void> {
    clearInterval(this.timer);
    await this.snapshotting;
    await this.snapshotNow(beforeSnapshot);
  }

  /** A person was erased: the files holding them go, and the next snapshot is written without them. */
  erased(): void {
    if (this.path !== undefined) removeRegionalFiles(this.path, this.regions);
    this.written.seq = -1;
    this.erasures++;
  }

  /** Writes a snapshot now if anything changed since the last one (and none is under way). */
  async snapshotNow(beforeSnapshot: () => Promise<void>): Promise<void> {
    const path = this.path;
    const unchanged = this.pendingEvents() === 0 && !this.position.movedSince(this.written);
    if (path === undefined || unchanged || this.snapshotting !== undefined) return;
    this.snapshotting = beforeSnapshot()
      .then(() => this.writeInBackground(path))
      .finally(() => {
        this.snapshotting = undefined;
      });
    await this.snapshotting;
  }

  /**
   * Writes everything learned, with the last applied log position, to `path` and each region's people to their
   * region's part beside it: frozen now with that position (in the same turn, so they go together), encoded in
   * slices while events are learned and feeds served, then written, synced and renamed into place, then the
   * HNSW graph beside it. An erasure during the encoding or the write cancels what is not renamed yet (and
   * deletes what was): the bytes name the person.
   */
  private async writeInBackground(path: string): Promise<void> {
    const frozen = this.freeze();
    const mark = this.position.mark();
    const erasures = this.erasures;
    let snapshot: RegionalSnapshot;
    try {
      snapshot = (await runInSlices(frozen.encoding, ENCODE_SLICE_MS)).value;
    } finally {
      frozen.thaw();
    }
    if (!(await writeRegionalFilesInBackground(path, snapshot, () => this.erasures === erasures))) return;
    this.written = mark;
    await saveVectorIndex(this.learners(), path, { seq: mark.seq, bytes: snapshot.shared.length });
  }

  /**
   * Writes everything learned, with the last applied log position, to `path` and each region's people to
   * their region's part beside it (see regional-snapshot.ts), blocking; returns the bytes written.
   */
  writeNow(path: string): number {
    const size = writeRegionalFiles(path, this.encode());
    this.written.seq = this.position.seq;
    return size;
  }
}
