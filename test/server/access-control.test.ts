import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import type { LedgerEntry } from '../../src/trust/ledger/ledger.ts';
import { keysFileIn, revokeKey, hashKey } from '../../src/trust/policy/keys.ts';
import { ROLES, type ActionName, type Role } from '../../src/trust/policy/vocabulary.ts';
import { byId, clientFor, reply, sendUnchecked, type MoteurClient } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS, videos } from '../support/fixtures.ts';
import { PERMITTED } from '../support/role-permissions.ts';

const dataDir = tempDir();
const keys = Object.fromEntries(ROLES.map((role) => [role, apiKey(dataDir, role)])) as Record<Role, string>;
let server: RunningServer;

/** A call of the typed client, whatever its route. */
type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** A client carrying `key` (none: an anonymous caller). */
const as = (key: string | undefined) => clientFor(server, key);

/** The ledger's size once the batched appends are written. */
async function ledgerSize(): Promise<number> {
  await server.moteur.counts();
  return server.moteur.ledger.size();
}

/** The ledger entries appended since `from` (flushing the batched appends first). */
async function entriesSince(from: number): Promise<LedgerEntry[]> {
  await server.moteur.counts();
  return (await server.moteur.ledger.entries(from, await server.moteur.ledger.size())).map((e) => e.entry);
}

/** A moderator's decision to label a video. */
const labelled = (videoId: string) =>
  ({ videoId, action: 'label', category: 'other_violation_tc', ground: 'incompatible', explanation: 'unverified claim' }) as const;

/** One request per action, each about its own person or video so that roles do not interfere. */
function requestFor(action: ActionName, role: Role): { send: (moteur: MoteurClient) => Answer; resource: string } {
  const person = (id: string) => `user:${server.moteur.ledger.commitment(id)}`;
  const text = { parseAs: 'text' } as const;
  switch (action) {
    case 'ingestEvents':
      return { send: (m) => m.POST('/v1/events', { body: { events: [event(`ingest-${role}`, 'v1', 'like')] } }), resource: 'system' };
    case 'upsertVideos':
      return { send: (m) => m.POST('/v1/videos', { body: { videos: [{ id: `new-${role}`, creatorId: 'c1', durationMs: 1000 }] } }), resource: 'system' };
    case 'readVideo':
      return { send: (m) => m.GET('/v1/videos/{id}', byId('v2')), resource: 'video:v2' };
    case 'removeVideo':
      return { send: (m) => m.DELETE('/v1/videos/{id}', byId(`remove-${role}`)), resource: `video:remove-${role}` };
    case 'putUser':
      return { send: (m) => m.PUT('/v1/users/{id}', { ...byId(`put-${role}`), body: { region: 'eu', language: 'fr' } }), resource: person(`put-${role}`) };
    case 'changeConsent':
      return {
        send: (m) => m.PUT('/v1/users/{id}', { ...byId(`consent-${role}`), body: { settings: { personalized: false } } }),
        resource: person(`consent-${role}`),
      };
    case 'readUser':
      return { send: (m) => m.GET('/v1/users/{id}', byId(`${action}-${role}`)), resource: person(`${action}-${role}`) };
    case 'refreshUser':
      return { send: (m) => m.POST('/v1/users/{id}/refresh', byId(`${action}-${role}`)), resource: person(`${action}-${role}`) };
    case 'exportUser':
      return { send: (m) => m.GET('/v1/users/{id}/export', byId(`${action}-${role}`)), resource: person(`${action}-${role}`) };
    case 'eraseUser':
      return { send: (m) => m.DELETE('/v1/users/{id}', byId(`${action}-${role}`)), resource: person(`${action}-${role}`) };
    case 'readFeed':
      return { send: (m) => m.GET('/v1/users/{id}/feed', byId(`${action}-${role}`, { n: 2 })), resource: person(`${action}-${role}`) };
    case 'readFeedNonPersonalized':
      return { send: (m) => m.GET('/v1/users/{id}/feed', byId(`opted-out-${role}`, { n: 2 })), resource: person(`opted-out-${role}`) };
    case 'readMetrics':
      return { send: (m) => m.GET('/metrics', text), resource: 'system' };
    case 'readLedger':
      return { send: (m) => m.GET('/v1/ledger/checkpoint', text), resource: 'ledger' };
    case 'changePolicy':
      return { send: (m) => m.POST('/v1/admin/policies/reload'), resource: 'system' };
    case 'readCatalog':
      return { send: (m) => m.GET('/v1/trending', { params: { query: { n: 3 } } }), resource: 'system' };
    case 'listVideos':
      return { send: (m) => m.GET('/v1/videos', { params: { query: { limit: 2 } } }), resource: 'system' };
    case 'listUsers':
      return { send: (m) => m.GET('/v1/users', { params: { query: { limit: 2 } } }), resource: 'system' };
    case 'readModerationQueue':
      return { send: (m) => m.GET('/v1/moderation/queue'), resource: 'system' };
    case 'decideModeration':
      return { send: (m) => m.POST('/v1/moderation/decisions', { body: labelled(`judged-${role}`) }), resource: `video:judged-${role}` };
    case 'appealDecision':
      return {
        send: (m) => m.POST('/v1/moderation/appeals', { body: { decisionId: decisionOf[role], explanation: 'the label is wrong' } }),
        resource: `video:appealed-${role}`,
      };
    case 'readStatement':
      return { send: (m) => m.GET('/v1/moderation/decisions/{id}/statement', byId(decisionOf[role])), resource: `video:appealed-${role}` };
    case 'importData':
    case 'manageKeys':
      throw new Error(`${action} has no HTTP route`);
  }
}

/** A decision about each role's own video, for its appeal and statement requests. */
const decisionOf = {} as Record<Role, string>;

/** The actions the HTTP API offers; the admin may do every one of them, the other roles what the policies let them. */
const HTTP_ACTIONS: ActionName[] = [
  'ingestEvents',
  'upsertVideos',
  'readVideo',
  'removeVideo',
  'putUser',
  'changeConsent',
  'readUser',
  'readFeed',
  'readFeedNonPersonalized',
  'refreshUser',
  'exportUser',
  'eraseUser',
  'readMetrics',
  'readLedger',
  'changePolicy',
  'readModerationQueue',
  'decideModeration',
  'appealDecision',
  'readStatement',
  'readCatalog',
  'listVideos',
  'listUsers',
];
const ALLOWED: Record<Role, readonly ActionName[]> = { ...PERMITTED, admin: HTTP_ACTIONS };

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  const m = server.moteur;
  const perRole = (prefix: string) => ROLES.map((role) => ({ id: `${prefix}-${role}`, creatorId: 'c9', durationMs: 1000 }));
  await m.upsertVideos([...videos(20), ...perRole('remove'), ...perRole('judged'), ...perRole('appealed')]);
  for (const role of ROLES) {
    decisionOf[role] = (await m.decide(labelled(`appealed-${role}`), { principal: 'test-moderator', policyVersion: 'test' })).id;
  }
  // The people each role's requests are about, created in the home region with consent, except the opted-out ones.
  for (const role of ROLES) {
    for (const action of ['readUser', 'refreshUser', 'exportUser', 'eraseUser', 'readFeed'] as const) await m.putUser(`${action}-${role}`, { region: 'us' });
    await m.putUser(`consent-${role}`, { region: 'us' });
    await m.putUser(`opted-out-${role}`, { region: 'us', settings: { personalized: false } });
  }
});
after(() => server.close());

for (const role of ROLES) {
  test(`${role}: every HTTP action is allowed or refused as the policies say, and each decision is one ledger entry`, async () => {
    for (const action of HTTP_ACTIONS) {
      const { send, resource } = requestFor(action, role);
      const from = await ledgerSize();
      const res = await reply(send(as(keys[role])));
      const allowed = ALLOWED[role].includes(action);
      if (allowed) assert.equal(res.status, 200, `${role} ${action}: ${JSON.stringify(res.json)}`);
      else {
        assert.equal(res.status, 403, `${role} ${action}`);
        assert.equal(res.json.code, 'forbidden');
        assert.match(res.json.message, new RegExp(`test-${role} \\(${role}\\) may not ${action}`));
      }
      const decisions = (await entriesSince(from)).filter((e) => e.action === action);
      assert.deepEqual(
        decisions,
        [
          {
            time: decisions[0]?.time,
            principal: `test-${role}`,
            purpose: decisions[0]?.purpose,
            action,
            resource,
            decision: allowed ? 'allow' : 'deny',
            policyVersion: server.access.policyVersion,
          },
        ],
        `${role} ${action}: one ledger entry for the decision`,
      );
    }
  });
}

test('without a key, or with an unknown one, every route but /health and /openapi.json answers 401 saying how to get a key', async () => {
  const from = await ledgerSize();
  for (const key of [undefined, 'mk_not-a-key']) {
    for (const action of HTTP_ACTIONS) {
      const res = await reply(requestFor(action, 'app').send(as(key)));
      assert.equal(res.status, 401, `${action} without a valid key`);
      assert.equal(res.json.code, 'unauthenticated');
      assert.match(res.json.message, /moteur keys create --data DIR/);
    }
  }
  const basic = await reply(as(undefined).GET('/v1/videos/{id}', { ...byId('v1'), headers: { authorization: 'Basic dXNlcjpwYXNz' } }));
  assert.equal(basic.status, 401);
  assert.equal((await reply(as(undefined).GET('/health'))).status, 200);
  assert.equal((await sendUnchecked(server, undefined, 'GET', '/openapi.json')).status, 200);
  assert.equal((await sendUnchecked(server, undefined, 'GET', '/v1/nowhere')).status, 404);
  assert.deepEqual(await entriesSince(from), [], 'a request without a principal reached a decision');
});

test('a person of a region this node does not serve gets a 403 wrong_region naming the region, and the denial is logged', async () => {
  const from = await ledgerSize();
  const res = await reply(as(keys.admin).PUT('/v1/users/{id}', { ...byId('far-away'), body: { region: 'jp' } }));
  assert.equal(res.status, 403);
  assert.equal(res.json.code, 'wrong_region');
  assert.match(res.json.message, /lives in region jp; this node serves us, gb, fr, br, eu: send the request to a node of region jp/);
  assert.equal(server.moteur.peekUser('far-away'), undefined, 'the person was created anyway');
  const [entry] = await entriesSince(from);
  assert.deepEqual([entry?.action, entry?.decision], ['putUser', 'deny']);
});

test('a key used outside its regions is refused by the policy that says so', async () => {
  const euOnly = apiKey(dataDir, 'app', ['eu'], 'eu-app');
  await reply(as(keys.admin).POST('/v1/admin/policies/reload'));
  const res = await reply(as(euOnly).GET('/v1/users/{id}', byId('readUser-app')));
  assert.equal(res.status, 403);
  assert.match(res.json.message, /forbidden by key-outside-its-regions/);
  assert.equal((await reply(as(euOnly).GET('/v1/users/{id}', byId('put-app')))).status, 200, 'a person of eu, on a node that serves eu');
});

test('consent decides which feed is asked for: someone who opted out gets a non-personalised feed', async () => {
  const from = await ledgerSize();
  assert.equal((await reply(as(keys.app).PUT('/v1/users/{id}', { ...byId('toggler'), body: { region: 'us' } }))).status, 200);
  assert.equal((await reply(as(keys.app).PUT('/v1/users/{id}', { ...byId('toggler'), body: { settings: { personalized: false } } }))).status, 200);
  assert.equal((await reply(as(keys.app).GET('/v1/users/{id}/feed', byId('toggler', { n: 3 })))).status, 200);
  assert.deepEqual(
    (await entriesSince(from)).map((e) => e.action),
    ['putUser', 'changeConsent', 'readFeedNonPersonalized'],
  );
});

test('reload: a revoked key stops working, keys created and revoked are recorded, a broken keys file is refused with 422', async () => {
  const extra = apiKey(dataDir, 'app', TEST_REGIONS, 'short-lived');
  const from = await ledgerSize();
  const reloaded = await reply(as(keys.admin).POST('/v1/admin/policies/reload'));
  assert.equal(reloaded.status, 200);
  assert.equal(reloaded.json.policyVersion, server.access.policyVersion);
  assert.equal((await reply(as(extra).GET('/v1/videos/{id}', byId('v1')))).status, 200);
  revokeKey(keysFileIn(dataDir), hashKey(extra).slice(0, 16));
  await reply(as(keys.admin).POST('/v1/admin/policies/reload'));
  assert.equal((await reply(as(extra).GET('/v1/videos/{id}', byId('v1')))).status, 401);
  const entries = await entriesSince(from);
  const keyName = `key:${hashKey(extra).slice(0, 16)}`;
  assert.deepEqual(
    entries.filter((e) => e.resource === keyName).map((e) => [e.action, e.principal]),
    [
      ['keyCreated', 'test-admin'],
      ['keyRevoked', 'test-admin'],
    ],
  );
  assert.equal(entries.filter((e) => e.action === 'policiesLoaded').length, 2);

  writeFileSync(keysFileIn(dataDir), '{"keys": ');
  const broken = await reply(as(keys.admin).POST('/v1/admin/policies/reload'));
  assert.equal(broken.status, 422);
  assert.match(broken.json.message, /keys\.json: not valid JSON.*the policies and keys in force are unchanged/);
  assert.equal((await reply(as(keys.app).GET('/v1/videos/{id}', byId('v1')))).status, 200, 'a failed reload dropped the keys in force');
});
