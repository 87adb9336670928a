/**
 * Generated requests against a real server on a temporary directory (fast-check): any JSON value in any
 * field, odd Unicode, extreme numbers, huge and empty arrays, unknown fields, wrong methods and content
 * types, ids of people another region's nodes serve. After every batch of requests the invariants hold:
 * no 5xx, every refusal in the documented `{code, message, field}` shape, the server still answers, every
 * learned number finite, every acknowledged event in its owner's export exactly once. A failure reports the
 * shrunk batch of requests that broke one.
 */
import * as fc from 'fast-check';
import { Moteur } from '../../src/app/moteur.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { createKey, keysFileIn } from '../../src/trust/policy/keys.ts';
import { byId, clientFor, reply } from '../support/client.ts';

export interface FuzzRequest {
  method: string;
  path: string;
  key: 'admin' | 'us-app' | 'none' | 'unknown';
  contentType?: string;
  body?: string;
}

export interface FuzzRun {
  /** Property runs (each a batch of requests) and the requests they sent. */
  batches: number;
  requests: number;
  statuses: Record<string, number>;
  /** fast-check's report of the shrunk failing batch, when an invariant broke. */
  failure?: string;
  interrupted: boolean;
  seed: number;
}

const REGIONS = ['us', 'eu'];
const VIDEOS = 30;
/** A person of a region the node holds but does not serve (created before the restart that drops it). */
const FOREIGN = 'fr-person';
const EVENT_TYPES = ['play', 'impression', 'like', 'share', 'comment', 'follow', 'skip', 'not_interested', 'report'];

// ---- generated values

/** UTF-16 code units, lone surrogates included: what a client's JSON.stringify can send. */
const oddString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const people = fc.constantFrom('p1', 'p2', 'p3', 'p4', 'eu-1', 'eu-2', FOREIGN, 'w\ud800', 'ok-\ud83d\ude00', '', 'x'.repeat(129));
const videoIds = fc.oneof(fc.constantFrom(...Array.from({ length: 6 }, (_, i) => `v${i}`)), fc.constantFrom('missing', 'v\udc00'));
const extremeNumber = fc.oneof(fc.double(), fc.constantFrom(1e39, -1e39, 3.4028234663852886e38, Number.MAX_VALUE, 5e-324, -0, 2 ** 53 + 1), fc.integer());
const anyValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, extremeNumber, oddString);
/** Usually a valid value, sometimes anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
const timestamp = fc.oneof(fc.constant(Date.now()), fc.constantFrom('2026-02-31', '2026-03-01T10:00:00Z', '2026-02-29', 'yesterday'), extremeNumber);

let eventCounter = 0;
const eventItem = fc
  .record(
    {
      id: mostly(fc.constant(null).map(() => `fz-${process.pid}-${++eventCounter}`)),
      userId: mostly(people),
      videoId: mostly(videoIds),
      type: mostly(fc.constantFrom(...EVENT_TYPES)),
      ts: timestamp,
      watchMs: mostly(fc.integer({ min: 0, max: 100_000 })),
      sessionId: mostly(fc.string({ maxLength: 8 })),
      position: mostly(fc.integer({ min: 0, max: 50 })),
      extra: anyValue,
    },
    { requiredKeys: ['id', 'userId', 'videoId', 'type', 'ts'] },
  )
  .map((e) => e as Record<string, unknown>);
const videoItem = fc.record(
  {
    id: mostly(fc.constantFrom('n1', 'n2', 'n3', 'v1', 'v\ud800')),
    creatorId: mostly(fc.constantFrom('c1', 'c2')),
    durationMs: mostly(fc.integer({ min: 1, max: 100_000 })),
    embedding: mostly(fc.array(extremeNumber, { minLength: 4, maxLength: 4 })),
    caption: mostly(oddString),
    hashtags: mostly(fc.array(oddString, { maxLength: 3 })),
    createdAt: timestamp,
    region: mostly(fc.constantFrom('us', 'eu', 'fr')),
    status: mostly(fc.constantFrom('active', 'removed')),
    unknown: anyValue,
  },
  { requiredKeys: ['id', 'creatorId', 'durationMs'] },
);
const batchOf = (item: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(item, { maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constant(null).map(() => Array.from({ length: 1001 }, () => ({}))) },
    { weight: 1, arbitrary: anyValue },
  );

/** Text in a URL (an id, a query value): percent-encoded as UTF-8, a lone surrogate as raw bytes that are not valid UTF-8. */
const encodeText = (id: string) => id.replace(/[\s\S]/gu, (ch) => (ch.length === 1 && /[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch)));

const json = (value: unknown) => JSON.stringify(value) ?? 'null';
const withUnknownField = (body: Record<string, unknown>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(body) }, { weight: 1, arbitrary: anyValue.map((v) => ({ ...body, evnets: v })) });

const requestArb: fc.Arbitrary<FuzzRequest> = fc
  .record({
    kind: fc.constantFrom('events', 'events', 'events', 'videos', 'putUser', 'feed', 'rank', 'export', 'erase', 'refresh', 'getUser', 'ledger', 'wrong'),
    key: fc.constantFrom<FuzzRequest['key']>('admin', 'admin', 'admin', 'us-app', 'us-app', 'none', 'unknown'),
    person: people,
    events: batchOf(eventItem),
    videos: batchOf(videoItem),
    user: fc.record(
      {
        region: mostly(fc.constantFrom('us', 'eu', 'fr')),
        language: mostly(fc.constantFrom('en', 'fr')),
        createdAt: timestamp,
        settings: mostly(
          fc.record({ personalized: mostly(fc.boolean()), keywordFilters: mostly(fc.array(oddString, { maxLength: 3 })) }, { requiredKeys: [] }),
        ),
      },
      { requiredKeys: [] },
    ),
    n: mostly(fc.integer({ min: 0, max: 60 })),
    rankIds: mostly(fc.array(mostly(videoIds), { maxLength: 5 })),
    query: fc.record({ from: extremeNumber, to: extremeNumber }),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', '') },
    ),
    wrongMethod: fc.constantFrom('PATCH', 'PUT', 'DELETE', 'GET'),
    unknownField: fc.boolean(),
  })
  .chain((r) => {
    const id = encodeText(r.person);
    const post = (path: string, body: fc.Arbitrary<unknown>) =>
      body.map((b): FuzzRequest => ({ method: 'POST', path, key: r.key, contentType: r.contentType, body: json(b) }));
    switch (r.kind) {
      case 'events':
        return post('/v1/events', withUnknownField({ events: r.events }));
      case 'videos':
        return post('/v1/videos', withUnknownField({ videos: r.videos }));
      case 'putUser':
        return fc.constant<FuzzRequest>({ method: 'PUT', path: `/v1/users/${id}`, key: r.key, contentType: r.contentType, body: json(r.user) });
      case 'feed':
        return fc.constant<FuzzRequest>({ method: 'GET', path: `/v1/users/${id}/feed?n=${encodeText(String(r.n))}&explain=1`, key: r.key });
      case 'rank':
        return post(`/v1/users/${id}/rank`, fc.constant({ videoIds: r.rankIds }));
      case 'export':
        return fc.constant<FuzzRequest>({ method: 'GET', path: `/v1/users/${id}/export`, key: r.key });
      case 'erase':
        return fc.constant<FuzzRequest>({ method: 'DELETE', path: `/v1/users/${id}`, key: r.key });
      case 'refresh':
        return fc.constant<FuzzRequest>({ method: 'POST', path: `/v1/users/${id}/refresh`, key: r.key });
      case 'getUser':
        return fc.constant<FuzzRequest>({ method: 'GET', path: `/v1/users/${id}`, key: r.key });
      case 'ledger':
        return fc.constant<FuzzRequest>({
          method: 'GET',
          path: `/v1/ledger/proofs/consistency?from=${encodeText(String(r.query.from))}&to=${encodeText(String(r.query.to))}`,
          key: r.key,
        });
      default:
        return fc.constant<FuzzRequest>({
          method: r.wrongMethod,
          path: r.unknownField ? '/v1/events' : `/v1/videos/${id}/nothing`,
          key: r.key,
          contentType: r.contentType,
          body: '{"events":[]}',
        });
    }
  });

// ---- the server and what it acknowledged

interface Harness {
  server: RunningServer;
  keys: Record<FuzzRequest['key'], string | undefined>;
  /** Event ids answered `stored`, by person: each must be in the person's export exactly once. */
  acknowledged: Map<string, Set<string>>;
  statuses: Record<string, number>;
  requests: number;
}

async function openHarness(dataDir: string): Promise<Harness> {
  const admin = createKey(keysFileIn(dataDir), { id: 'fuzz-admin', role: 'admin', regions: [...REGIONS, 'fr'] });
  const usApp = createKey(keysFileIn(dataDir), { id: 'fuzz-us-app', role: 'app', regions: ['us'] });
  // A person of region fr, whose node this is not once it restarts serving us and eu only.
  const before = await Moteur.open({ dataDir, regions: [...REGIONS, 'fr'] });
  await before.putUser(FOREIGN, { region: 'fr' });
  await before.putUser('eu-1', { region: 'eu' });
  await before.upsertVideos(
    Array.from({ length: VIDEOS }, (_, i) => ({ id: `v${i}`, creatorId: `c${i % 3}`, durationMs: 10_000, embedding: [i % 2, (i + 1) % 3, 0.5, -0.5] })),
  );
  await before.close();
  const server = await startServer({ dataDir, port: 0, regions: REGIONS, embeddingDim: 4 });
  return { server, keys: { admin, 'us-app': usApp, none: undefined, unknown: 'mk_unknown' }, acknowledged: new Map(), statuses: {}, requests: 0 };
}

/** Sent as generated, outside what the typed client can express: any method, path, content type and body. */
async function send(h: Harness, r: FuzzRequest): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  const key = h.keys[r.key];
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  if (r.body !== undefined && r.contentType) headers['content-type'] = r.contentType;
  const res = await fetch(h.server.url + r.path, { method: r.method, headers, ...(r.body === undefined || r.method === 'GET' ? {} : { body: r.body }) });
  const text = await res.text();
  h.requests++;
  h.statuses[res.status] = (h.statuses[res.status] ?? 0) + 1;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // checked below: every answer of the API is JSON
  }
  return { status: res.status, body };
}

const fail = (message: string, r: FuzzRequest, answer: unknown): never => {
  throw new Error(`${message}\n  request: ${r.method} ${r.path} ${r.body ?? ''}\n  answer: ${JSON.stringify(answer).slice(0, 500)}`);
};

/** `{code, message, field?}` and nothing else, strings all. */
function isRefusal(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { code, message, field, ...rest } = body as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    /^[a-z_]+$/.test(code) &&
    typeof message === 'string' &&
    (field === undefined || typeof field === 'string') &&
    Object.keys(rest).length === 0
  );
}

/** JSON writes NaN and infinities as null: a number array holding a null is a poisoned vector. */
const POISONED = /[[,]null[\],]/;

async function checkAnswer(h: Harness, r: FuzzRequest, answer: { status: number; body: unknown }): Promise<void> {
  if (answer.status >= 500) fail(`a ${answer.status}`, r, answer.body);
  if (answer.status >= 400 && !isRefusal(answer.body)) fail('a refusal not in the {code, message, field} shape', r, answer.body);
  if (answer.status !== 200) return;
  const body = answer.body as Record<string, any>;
  if (r.path === '/v1/events' && r.method === 'POST') {
    const events = (JSON.parse(r.body!) as { events: Record<string, unknown>[] }).events;
    (body.results as { status: string; id?: string; code?: string; message?: string }[]).forEach((result, i) => {
      if (result.status === 'rejected' && (typeof result.code !== 'string' || typeof result.message !== 'string'))
        fail('a rejected item without code and message', r, result);
      if (result.status === 'failed') fail('an item the log failed to store', r, result);
      if (result.status !== 'stored') return;
      const userId = events[i]!.userId as string;
      if (!h.acknowledged.has(userId)) h.acknowledged.set(userId, new Set());
      h.acknowledged.get(userId)!.add(result.id!);
    });
  }
  if (r.path.includes('/feed') || r.path.includes('/rank')) {
    for (const item of body.items as { score: unknown }[])
      if (typeof item.score !== 'number' || !Number.isFinite(item.score)) fail('a score that is not a finite number', r, item);
  }
  if (r.method === 'DELETE' && r.path.startsWith('/v1/users/')) h.acknowledged.delete(body.userId as string);
}

/** After a batch: the server answers, and every touched person's export holds their acknowledged events once and finite learned numbers. */
async function checkState(h: Harness, touched: Set<string>): Promise<void> {
  const health = await reply(clientFor(h.server, undefined).GET('/health')).catch(() => undefined);
  if (health?.status !== 200) throw new Error('the server no longer answers /health');
  const admin = clientFor(h.server, h.keys.admin);
  for (const userId of touched) {
    const expected = h.acknowledged.get(userId);
    const { data: exported, error, response } = await admin.GET('/v1/users/{id}/export', byId(userId));
    // The answer's schema refuses to write NaN: a person whose learned state holds one gets a 500.
    if (response.status >= 500) throw new Error(`${userId}'s export fails with ${response.status}: ${JSON.stringify(error)}`);
    if (exported === undefined) {
      if (expected !== undefined && expected.size > 0) throw new Error(`${userId} has acknowledged events but no export (${response.status})`);
      continue;
    }
    const counts = new Map<string, number>();
    for (const e of exported.events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    for (const id of expected ?? [])
      if (counts.get(id) !== 1) throw new Error(`event ${id} acknowledged for ${userId} is in the export ${counts.get(id) ?? 0} times`);
    if (POISONED.test(JSON.stringify(exported.learned)))
      throw new Error(`${userId}'s learned state holds a non-finite number: ${JSON.stringify(exported.learned).slice(0, 300)}`);
  }
}

/** Runs generated batches until `requests` were sent or `timeLimitMs` passed; never throws for a broken invariant (see `failure`). */
export async function fuzzApi(dataDir: string, options: { requests: number; timeLimitMs: number; seed?: number; batch?: number }): Promise<FuzzRun> {
  const h = await openHarness(dataDir);
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const batchSize = options.batch ?? 8;
  const deadline = performance.now() + options.timeLimitMs;
  try {
    const property = fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: batchSize }), async (batch) => {
      for (const r of batch) await checkAnswer(h, r, await send(h, r));
      const named = (p: string) => batch.some((r) => (r.body ?? '').includes(JSON.stringify(p)) || r.path.includes(`/users/${encodeText(p)}`));
      await checkState(h, new Set([...h.acknowledged.keys()].filter(named)));
    });
    // Batches are mostly short: rounds of runs (each round its own seed, `seed + round`) until enough requests were sent.
    const result: FuzzRun = { batches: 0, requests: 0, statuses: h.statuses, interrupted: false, seed };
    for (let round = 0; h.requests < options.requests && !result.interrupted && result.failure === undefined; round++) {
      const numRuns = Math.max(10, Math.ceil((options.requests - h.requests) / 3));
      const timeLeft = Math.max(1, deadline - performance.now());
      const details = await fc.check(property, {
        numRuns,
        seed: seed + round,
        interruptAfterTimeLimit: timeLeft,
        markInterruptAsFailure: false,
        endOnFailure: false,
      });
      result.batches += details.numRuns;
      result.interrupted = details.interrupted;
      if (details.failed) result.failure = fc.defaultReportMessage(details) ?? String(details.errorInstance);
    }
    result.requests = h.requests;
    return result;
  } finally {
    await h.server.close();
  }
}
