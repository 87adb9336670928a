/**
 * Durable ingest throughput: through POST /v1/events (a server in a child process), through the library
 * API, and raw SQLite inserts of the same rows with the same pragmas, all in one run.
 * Usage: node --import tsx bench/ingest.ts [--events N] [--batch N] [--clients N]
 * `--clients` concurrent callers send batches, over HTTP and to the library alike.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Moteur } from '../src/app/moteur.ts';
import { INSERT_EVENT, type EventRow } from '../src/log/sqlite/events-table.ts';
import { SqliteEventLog } from '../src/log/sqlite/sqlite-event-log.ts';
import { encrypt } from '../src/trust/crypto/aead.ts';
import { openSqlite } from '../src/store/sqlite/database.ts';
import { flag, mainThreadCpuMs, note, print, round, scratchDir } from './lib/report.ts';
import { postJson } from './lib/http-client.ts';
import { serveInChild } from './lib/serve-child.ts';
import { syntheticEvents, syntheticVideos } from './lib/synthetic.ts';

// About 40 s in all on two cores: long enough that a pause or a checkpoint of the WAL does not decide the figure.
const EVENTS = flag('events', 400_000);
const BATCH = flag('batch', 500);
const CLIENTS = flag('clients', 4);
const VIDEOS = 10_000;
const USERS = 5_000;

const videos = syntheticVideos(VIDEOS);
const batches = <T>(events: T[]) => Array.from({ length: Math.ceil(events.length / BATCH) }, (_, i) => events.slice(i * BATCH, (i + 1) * BATCH));

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

async function raw(): Promise<number> {
  const path = join(scratchDir(), 'events.db');
  await SqliteEventLog.open(path).close(); // the same table layout as the real log
  const db = openSqlite(path);
  const insert = db.prepare(INSERT_EVENT);
  const write = db.transaction((rows: EventRow[]) => {
    for (const row of rows) insert.run(...row);
  });
  // The rows the log stores (ids and sealed fields), sealed before the clock starts: the engine's sealing counts against it, not here.
  const key = randomBytes(32);
  const parts = batches(
    syntheticEvents(EVENTS, VIDEOS, USERS, 7, 'raw').map((e): EventRow => {
      const fields = JSON.stringify([e.videoId, e.type, e.ts, e.watchMs ?? null, null, null]);
      return [null, String(e.id), String(e.userId), encrypt(key, Buffer.from(fields), String(e.id)).toString('base64')];
    }),
  );
  const seconds = await timed(async () => parts.forEach((rows) => write(rows)));
  db.close();
  return EVENTS / seconds;
}

async function library(): Promise<{ acknowledged: number; learned: number; cpuMicrosPerEvent: number | undefined }> {
  const moteur = await Moteur.open({ dataDir: scratchDir() });
  for (let i = 0; i < videos.length; i += 1000) await moteur.upsertVideos(videos.slice(i, i + 1000));
  const parts = batches(syntheticEvents(EVENTS, VIDEOS, USERS, 7, 'lib'));
  let next = 0;
  let stored = 0;
  // As many callers as HTTP clients: while the writer thread syncs one batch, the next is validated.
  const caller = async () => {
    while (next < parts.length) {
      const outcomes = await moteur.ingest(parts[next++]);
      stored += outcomes.filter((outcome) => outcome.status === 'stored').length;
    }
  };
  const cpuBefore = mainThreadCpuMs();
  const seconds = await timed(async () => {
    await Promise.all(Array.from({ length: CLIENTS }, caller));
  });
  // Events are learned right after their answer: the learners finish a moment after the last acknowledgement.
  const learnedSeconds = seconds + (await timed(async () => moteur.learning.catchUp()));
  const cpuMicrosPerEvent = cpuPerEvent(cpuBefore, mainThreadCpuMs());
  const learned = moteur.learning.learners.eventCount;
  await moteur.close();
  if (stored !== EVENTS) throw new Error(`the library stored ${stored} of ${EVENTS} events`);
  if (learned !== EVENTS) throw new Error(`the learners saw ${learned} of ${EVENTS} events`);
  return { acknowledged: EVENTS / seconds, learned: EVENTS / learnedSeconds, cpuMicrosPerEvent };
}

/** Main-thread CPU µs per event between two readings (undefined where /proc is not there). */
function cpuPerEvent(beforeMs: number | undefined, afterMs: number | undefined): number | undefined {
  return beforeMs === undefined || afterMs === undefined ? undefined : round(((afterMs - beforeMs) * 1000) / EVENTS, 1);
}

async function http(): Promise<{ acknowledged: number; cpuMicrosPerEvent: number | undefined }> {
  const server = await serveInChild(scratchDir());
  for (let i = 0; i < videos.length; i += 1000) await postJson(`${server.url}/v1/videos`, { videos: videos.slice(i, i + 1000) }, server.apiKey);
  const parts = batches(syntheticEvents(EVENTS, VIDEOS, USERS, 7, 'http'));
  let next = 0;
  let stored = 0;
  const client = async () => {
    while (next < parts.length) {
      const reply = await postJson(`${server.url}/v1/events`, { events: parts[next++] }, server.apiKey);
      stored += reply.stored;
    }
  };
  const cpuBefore = mainThreadCpuMs(server.pid);
  const seconds = await timed(async () => {
    await Promise.all(Array.from({ length: CLIENTS }, client));
  });
  // Learning may still be finishing the last batches: the server's figure covers it once its queue is empty.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cpuMicrosPerEvent = cpuPerEvent(cpuBefore, mainThreadCpuMs(server.pid));
  await server.stop();
  if (stored !== EVENTS) throw new Error(`the server stored ${stored} of ${EVENTS} events`);
  return { acknowledged: EVENTS / seconds, cpuMicrosPerEvent };
}

note(`raw SQLite: ${EVENTS} rows...`);
const rawRate = await raw();
note(`library API...`);
const libraryRate = await library();
note(`HTTP with ${CLIENTS} clients...`);
const httpRate = await http();
print({
  benchmark: 'ingest',
  parameters: {
    events: EVENTS,
    batch: BATCH,
    clients: CLIENTS,
    videos: VIDEOS,
    users: USERS,
    durability: 'WAL, synchronous=FULL, one transaction per batch',
    server: 'moteur serve in a child process; clients are keep-alive node:http on 127.0.0.1',
  },
  eventsPerSecond: { http: Math.round(httpRate.acknowledged), library: Math.round(libraryRate.acknowledged), rawSqlite: Math.round(rawRate) },
  ratioToRaw: { http: round(httpRate.acknowledged / rawRate), library: round(libraryRate.acknowledged / rawRate) },
  libraryLearnedEventsPerSecond: Math.round(libraryRate.learned),
  mainThreadCpuMicrosPerEvent: {
    http: httpRate.cpuMicrosPerEvent,
    library: libraryRate.cpuMicrosPerEvent,
    meaning:
      'CPU of the thread answering requests (parsing, validation, sealing of small batches, learning), per event; steadier than events/s on a shared machine',
  },
  goal: 'http >= 0.5 x rawSqlite',
});
