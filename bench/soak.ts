/**
 * A soak run: mixed traffic against one `moteur serve` for M minutes, with the server SIGKILLed and restarted
 * half way, then a check that every acknowledged event is in the log exactly once (erased people's aside).
 * Usage: npm run soak -- --minutes M [--clients N]
 * Prints JSON: requests by route and outcome, p50/p99 latency per route and RSS per minute, restart and loss figures.
 */
import { readFileSync } from 'node:fs';
import { Moteur } from '../src/app/moteur.ts';
import { DEFAULT_CONFIG } from '../src/app/config.ts';
import { seededRandom } from '../src/core/random.ts';
import { createKey, hashKey, keysFileIn, revokeKey } from '../src/trust/policy/keys.ts';
import { flag, latencySummary, note, print, round, scratchDir } from './lib/report.ts';
import { serveInChild, type ChildServer } from './lib/serve-child.ts';
import { syntheticVideos } from './lib/synthetic.ts';
import { messageOf } from '../src/core/thrown.ts';

const MINUTES = flag('minutes', 30);
const CLIENTS = flag('clients', 3);
const VIDEOS = 2_000;
const PEOPLE = 3_000;
const BATCH = 50;
const KEY_CHANGE_EVERY_MS = 20_000;

type Route = 'ingest' | 'feed' | 'export' | 'erase' | 'keys';
type Outcome = 'ok' | 'client_error' | 'server_error' | 'unreachable';

interface Minute {
  minute: number;
  requests: Record<string, number>;
  latencyMs: Record<string, number[]>;
  rssMiB?: number;
  /** The server's V8 heap in use and its off-heap buffers (typed arrays), from its own /metrics. */
  heapUsedMiB?: number;
  externalMiB?: number;
}

const dataDir = scratchDir();
const region = DEFAULT_CONFIG.region;
const admin = createKey(keysFileIn(dataDir), { id: 'soak-admin', role: 'admin', regions: [region] });
let server: ChildServer = await serveInChild(dataDir);
let appKey = server.apiKey;
let restarting = false;
let restarts = 0;
const random = seededRandom(7);
const started = performance.now();
const minutes: Minute[] = [];
/** Acknowledged event ids by person; an erased person's are dropped once the erasure is answered. */
const acknowledged = new Map<string, Set<string>>();
const busy = new Set<string>();
const erased = new Set<string>();
let eventCounter = 0;
let erasedEvents = 0;
const unexpected: string[] = [];

const minuteNow = (): Minute => {
  const index = Math.floor((performance.now() - started) / 60_000);
  while (minutes.length <= index) minutes.push({ minute: minutes.length + 1, requests: {}, latencyMs: {} });
  return minutes[index]!;
};

/** One request, counted by route and outcome; a connection refused while the server restarts is `unreachable`. */
async function call(route: Route, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: unknown } | undefined> {
  const t = performance.now();
  let outcome: Outcome;
  let answer: { status: number; json: unknown } | undefined;
  try {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(server.url + path, init);
    answer = { status: res.status, json: await res.json() };
    outcome = res.status >= 500 ? 'server_error' : res.status >= 400 ? 'client_error' : 'ok';
    if (outcome !== 'ok' && unexpected.length < 20) unexpected.push(`${method} ${path}: ${res.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
  } catch (error) {
    outcome = 'unreachable';
    if (!restarting && unexpected.length < 20) unexpected.push(`${method} ${path}: ${messageOf(error)}`);
  }
  const minute = minuteNow();
  const name = `${route} ${outcome}`;
  minute.requests[name] = (minute.requests[name] ?? 0) + 1;
  if (outcome !== 'unreachable') (minute.latencyMs[route] ??= []).push(performance.now() - t);
  return answer;
}

const person = () => `p${Math.floor(random() * PEOPLE)}`;
const TYPES = ['play', 'play', 'impression', 'like', 'skip', 'share', 'follow'] as const;

async function ingest(): Promise<void> {
  const events = Array.from({ length: BATCH }, () => {
    const userId = person();
    const type = TYPES[Math.floor(random() * TYPES.length)]!;
    return {
      id: `s${++eventCounter}`,
      userId,
      videoId: `v${Math.floor(random() * VIDEOS)}`,
      type,
      ts: Date.now(),
      ...(type === 'play' ? { watchMs: 1000 + Math.floor(random() * 20_000) } : {}),
    };
  }).filter((e) => !busy.has(e.userId) && !erased.has(e.userId));
  const answer = await call('ingest', 'POST', '/v1/events', appKey, { events });
  if (answer?.status !== 200) return;
  (answer.json as { results: { id: string; status: string }[] }).results.forEach((r, i) => {
    if (r.status !== 'stored' && r.status !== 'duplicate') return;
    const { userId } = events[i]!;
    // Erased while this batch was in flight: whether its events came before the erasure is not this client's to know.
    if (erased.has(userId) || busy.has(userId)) return;
    if (!acknowledged.has(userId)) acknowledged.set(userId, new Set());
    acknowledged.get(userId)!.add(r.id);
  });
}

async function eraseSomeone(): Promise<void> {
  const userId = person();
  if (busy.has(userId) || !acknowledged.has(userId)) return;
  busy.add(userId);
  try {
    const answer = await call('erase', 'DELETE', `/v1/users/${userId}`, admin);
    if (answer?.status === 200) {
      erasedEvents += acknowledged.get(userId)?.size ?? 0;
      acknowledged.delete(userId);
      erased.add(userId);
    }
  } finally {
    busy.delete(userId);
  }
}

async function client(until: number): Promise<void> {
  while (performance.now() < until) {
    const draw = random();
    if (draw < 0.45) await ingest();
    else if (draw < 0.9) await call('feed', 'GET', `/v1/users/${person()}/feed?n=10`, appKey);
    else if (draw < 0.99) {
      const userId = person();
      if (acknowledged.has(userId)) await call('export', 'GET', `/v1/users/${userId}/export`, admin);
    } else await eraseSomeone();
    if (restarting) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every KEY_CHANGE_EVERY_MS: a new app key made beside the server (as `moteur keys create` does), used once accepted, the old one revoked. */
async function keyChurn(until: number): Promise<void> {
  while (performance.now() + KEY_CHANGE_EVERY_MS < until) {
    await new Promise((resolve) => setTimeout(resolve, KEY_CHANGE_EVERY_MS));
    if (restarting) continue;
    const restartsBefore = restarts;
    const fresh = createKey(keysFileIn(dataDir), { id: `soak-app-${Date.now()}`, role: 'app', regions: [region] });
    const t = performance.now();
    let accepted = false;
    while (!accepted && performance.now() - t < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      accepted = (await fetch(`${server.url}/v1/videos/v0`, { headers: { authorization: `Bearer ${fresh}` } }).catch(() => undefined))?.status === 200;
    }
    // A key made just before the SIGKILL is read by the restarted server; its wait says nothing about the watcher.
    if (!accepted && (restarting || restarts !== restartsBefore)) continue;
    const minute = minuteNow();
    const name = `keys ${accepted ? 'ok' : 'server_error'}`;
    minute.requests[name] = (minute.requests[name] ?? 0) + 1;
    (minute.latencyMs.keys ??= []).push(performance.now() - t);
    if (!accepted) unexpected.push('a new key was not accepted within 10 s');
    const old = appKey;
    appKey = fresh;
    // Requests already sent with the old key are answered before it is revoked.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // A restart meanwhile replaced the keys the clients use: the old one is already gone.
    if (!restarting && restarts === restartsBefore) revokeKey(keysFileIn(dataDir), hashKey(old).slice(0, 16));
  }
}

function rssMiB(pid: number): number | undefined {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return round(kb / 1024, 1);
  } catch {
    return undefined;
  }
}

/** Heap in use and external memory, read from the server's Prometheus metrics; nothing while it restarts. */
async function heapMiB(): Promise<{ heapUsedMiB: number; externalMiB: number } | undefined> {
  const text = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })
    .then((res) => res.text())
    .catch(() => undefined);
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text ?? '')?.[1]);
  const heapUsed = gauge('moteur_process_nodejs_heap_size_used_bytes');
  const external = gauge('moteur_process_nodejs_external_memory_bytes');
  if (!Number.isFinite(heapUsed)) return undefined;
  return { heapUsedMiB: round(heapUsed / 2 ** 20, 1), externalMiB: round(external / 2 ** 20, 1) };
}

const catalog = syntheticVideos(VIDEOS);
for (let i = 0; i < catalog.length; i += 500) await call('ingest', 'POST', '/v1/videos', appKey, { videos: catalog.slice(i, i + 500) });
const end = started + MINUTES * 60_000;
const rssTimer = setInterval(() => {
  const m = minuteNow();
  m.rssMiB = rssMiB(server.pid) ?? m.rssMiB;
  void heapMiB().then((heap) => Object.assign(m, heap));
}, 5_000);
const killAt = started + (MINUTES * 60_000) / 2;
let restart: { atMinute: number; downSeconds: number; startPhases: string | undefined } | undefined;
const killer = (async () => {
  await new Promise((resolve) => setTimeout(resolve, killAt - performance.now()));
  restarting = true;
  restarts++;
  const t = performance.now();
  note('SIGKILL');
  await server.kill();
  server = await serveInChild(dataDir);
  appKey = server.apiKey;
  restarting = false;
  const downSeconds = round((performance.now() - t) / 1000, 2);
  await new Promise((resolve) => setTimeout(resolve, 500));
  restart = { atMinute: round((t - started) / 60_000, 2), downSeconds, startPhases: server.startPhases };
  note(`restarted in ${restart.downSeconds} s`);
})();
await Promise.all([...Array.from({ length: CLIENTS }, () => client(end)), keyChurn(end), killer]);
clearInterval(rssTimer);
await server.stop();

// What the log holds, read back with the server stopped: each acknowledged event once, no erased person's.
const moteur = await Moteur.open({ dataDir });
const present = new Map<string, number>();
let erasedPresent = 0;
for (let after = 0; ; ) {
  const page = await moteur.log.readAfter(after, 5000);
  for (const e of page) {
    present.set(e.id, (present.get(e.id) ?? 0) + 1);
    if (erased.has(e.userId)) erasedPresent++;
  }
  if (page.length < 5000) break;
  after = page[page.length - 1]!.seq;
}
await moteur.close();
let expected = 0;
let missing = 0;
for (const ids of acknowledged.values()) {
  for (const id of ids) {
    expected++;
    if (!present.has(id)) missing++;
  }
}
const total: Record<string, number> = {};
for (const m of minutes) for (const [k, v] of Object.entries(m.requests)) total[k] = (total[k] ?? 0) + v;
print({
  benchmark: 'soak',
  minutes: MINUTES,
  clients: CLIENTS,
  requests: total,
  restart,
  events: {
    acknowledged: expected,
    present: expected - missing,
    missing,
    storedTwice: [...present.values()].filter((n) => n > 1).length,
    erasedPeople: erased.size,
    erasedEventsAcknowledgedBefore: erasedEvents,
    erasedEventsStillPresent: erasedPresent,
  },
  perMinute: minutes.map((m) => ({
    minute: m.minute,
    requests: m.requests,
    latency: Object.fromEntries(Object.entries(m.latencyMs).map(([route, ms]) => [route, (({ p50Ms, p99Ms }) => ({ p50Ms, p99Ms }))(latencySummary(ms))])),
    rssMiB: m.rssMiB,
    heapUsedMiB: m.heapUsedMiB,
    externalMiB: m.externalMiB,
  })),
  unexpected,
});
process.exit(0);
