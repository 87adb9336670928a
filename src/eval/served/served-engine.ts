/**
 * The engine a client of `moteur serve` gets, driven the way a client drives it: an embedded `Moteur` in a
 * temporary data directory, the catalog upserted and the events ingested through the same calls as
 * `POST /v1/videos` and `POST /v1/events`, then pages asked of `feed` (or orders of `rank`). Whatever the engine
 * learns in the background is waited for, as a client replaying a data set would wait for `GET /health` to say so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Moteur } from '../../app/moteur.ts';
import type { MoteurConfigOverrides } from '../../app/config.ts';
import type { StageProgress } from '../progress.ts';

/** Largest batches the API takes (src/core/schemas.ts): the replay sends full ones. */
const VIDEO_BATCH = 1000;
const EVENT_BATCH = 1000;

/** An event as a client sends it to `POST /v1/events`. */
export interface ClientEvent {
  id: string;
  userId: string;
  videoId: string;
  type: string;
  ts: number;
  watchMs?: number;
}

export interface ServedEngine {
  moteur: Moteur;
  /** Closes the engine and deletes its data directory. */
  close(): Promise<void>;
}

/** Opens a fresh embedded engine with the given configuration (the defaults when none) in a temporary directory. */
export async function openServedEngine(config: MoteurConfigOverrides = {}): Promise<ServedEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'moteur-eval-'));
  const moteur = await Moteur.open({ dataDir, ...config, learning: { snapshotPath: undefined, ...config.learning } }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    moteur,
    async close() {
      try {
        await moteur.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A fresh engine (`openServedEngine`) with the catalog and the events replayed into it (`replayIntoEngine`), the
 * events' `ts` set one second apart in order, the last one second before the replay starts; `seconds` is the
 * replay's time, learning included. A replay that fails closes the engine.
 */
export async function replayIntoFreshEngine(
  config: MoteurConfigOverrides,
  videos: readonly unknown[],
  events: ClientEvent[],
  progress?: StageProgress,
): Promise<{ engine: ServedEngine; seconds: number }> {
  const start = Date.now();
  events.forEach((event, k) => (event.ts = start - (events.length - k) * 1000));
  const engine = await openServedEngine(config);
  try {
    const replayStart = performance.now();
    await replayIntoEngine(engine.moteur, videos, events, progress);
    return { engine, seconds: (performance.now() - replayStart) / 1000 };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** Upserts the catalog and ingests the events in API-sized batches; any item the engine refuses fails the replay. */
export async function replayIntoEngine(moteur: Moteur, videos: readonly unknown[], events: readonly ClientEvent[], progress?: StageProgress): Promise<void> {
  for (let k = 0; k < videos.length; k += VIDEO_BATCH) {
    refuseRejected(await moteur.upsertVideos(videos.slice(k, k + VIDEO_BATCH)), 'video');
    progress?.('upserting the catalog', Math.min(k + VIDEO_BATCH, videos.length), videos.length);
  }
  for (let k = 0; k < events.length; k += EVENT_BATCH) {
    refuseRejected(await moteur.ingest(events.slice(k, k + EVENT_BATCH)), 'event');
    if ((k / EVENT_BATCH) % 5 === 0 || k + EVENT_BATCH >= events.length)
      progress?.('ingesting the events (POST /v1/events)', Math.min(k + EVENT_BATCH, events.length), events.length);
  }
  await moteur.learning.settled();
}

function refuseRejected(outcomes: readonly { status: string; id?: string; message?: string }[], what: string): void {
  const bad = outcomes.find((o) => o.status !== 'stored');
  if (bad !== undefined) throw new Error(`the engine did not store ${what} ${bad.id ?? '?'}: ${bad.status}${bad.message ? ` (${bad.message})` : ''}`);
}

/** Each person's page of `n` (their feed as `GET /v1/users/:id/feed?n=` serves it), in the order given. */
export async function servedPages(moteur: Moteur, userIds: readonly string[], n: number, progress?: StageProgress): Promise<string[][]> {
  const pages: string[][] = [];
  for (const userId of userIds) {
    const { items } = await moteur.feed(userId, { n });
    pages.push(items.map((item) => item.videoId));
    if (pages.length % 50 === 0 || pages.length === userIds.length) progress?.('asking each held-out person’s feed', pages.length, userIds.length);
  }
  return pages;
}

/** The engine's configuration as a report states it: the defaults, with what the run changed. */
export function servedConfiguration(moteur: Moteur): Record<string, unknown> {
  const { feed, learning, embeddingDim } = moteur.config;
  const { snapshotPath: _snapshot, ...learned } = learning;
  return { embeddingDim, feed, learning: learned };
}
