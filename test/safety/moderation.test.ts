import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateStatement } from '../../src/safety/dsa-validator.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import type { LedgerEntry } from '../../src/trust/ledger/ledger.ts';
import type { paths } from '../../src/client/index.ts';
import { runMoteur } from '../support/cli.ts';
import { byId, clientFor, reply, sendUnchecked, type MoteurClient } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS } from '../support/fixtures.ts';

const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app');
const moderatorKey = apiKey(dataDir, 'moderator', TEST_REGIONS, 'mod-ana');
const secondModeratorKey = apiKey(dataDir, 'moderator', TEST_REGIONS, 'mod-ben');
const auditorKey = apiKey(dataDir, 'auditor');
let server: RunningServer;
let app: MoteurClient;
let moderator: MoteurClient;
const DAY = 86_400_000;

/** Every video id a new person is served while paging through the whole catalog. */
async function everythingServedTo(userId: string, pages = 6): Promise<Set<string>> {
  const served = new Set<string>();
  for (let i = 0; i < pages; i++) {
    const { json } = await reply(app.GET('/v1/users/{id}/feed', byId(userId, { n: 10 })));
    for (const item of json.items) served.add(item.videoId);
  }
  return served;
}

/** The ledger's size once the batched appends are written. */
async function ledgerSize(): Promise<number> {
  await server.moteur.counts();
  return server.moteur.ledger.size();
}

async function ledgerSince(from: number): Promise<LedgerEntry[]> {
  await server.moteur.counts();
  return (await server.moteur.ledger.entries(from, await server.moteur.ledger.size())).map((e) => e.entry);
}

const catalog = Array.from({ length: 40 }, (_, i) => ({
  id: `m${i}`,
  creatorId: `maker${i % 8}`,
  durationMs: 15_000,
  soundId: `s${i}`,
  hashtags: [`tag${i % 4}`],
  createdAt: Date.now() - (40 - i) * 60_000,
}));

type DecisionBody = paths['/v1/moderation/decisions']['post']['requestBody']['content']['application/json'];

const decision = (videoId: string, action: DecisionBody['action'], extra: Partial<DecisionBody> = {}): DecisionBody => ({
  videoId,
  action,
  category: 'other_violation_tc',
  ground: 'incompatible',
  explanation: `The video breaks the community guidelines (${action}).`,
  ...extra,
});

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS, safety: { freeze: { minReports: 3, reportRate: 0.05, sigmas: 3 } } });
  app = clientFor(server, appKey);
  moderator = clientFor(server, moderatorKey);
  assert.equal((await reply(app.POST('/v1/videos', { body: { videos: catalog } }))).json.stored, catalog.length);
  // Reporters whose accounts are days old: their reports count in full.
  for (let i = 0; i < 6; i++) {
    const res = await reply(app.PUT('/v1/users/{id}', { ...byId(`reporter${i}`), body: { createdAt: new Date(Date.now() - 3 * DAY).toISOString() } }));
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }
});
after(() => server.close());

test('a report needs a reason from the fixed list; other events may not carry one', async () => {
  const { json } = await reply(
    app.POST('/v1/events', {
      body: {
        events: [
          event('reporter0', 'm1', 'report'),
          event('reporter0', 'm1', 'report', { reason: 'boring' }),
          event('reporter0', 'm1', 'like', { reason: 'spam' }),
        ],
      },
    }),
  );
  assert.deepEqual(
    json.results.map((r: any) => [r.status, r.field]),
    [
      ['rejected', 'reason'],
      ['rejected', 'reason'],
      ['rejected', 'reason'],
    ],
  );
  assert.match(json.results[0].message, /required for report events: one of spam, misinformation, hate/);
  assert.deepEqual((await reply(moderator.GET('/v1/moderation/queue'))).json.items, [], 'a rejected report reached the queue');
});

test('reported past the threshold, a video stops reaching new people (followers still get it); the freeze is an automated decision in the ledger', async () => {
  const before = await everythingServedTo('newcomer-before');
  assert.ok(before.has('m39'), 'the video reached a new person before it was reported');
  const follower = 'follower-m39';
  await reply(app.POST('/v1/events', { body: { events: [event(follower, 'm31', 'follow')] } }));
  const from = await ledgerSize();
  const reports = [0, 1, 2].map((i) => event(`reporter${i}`, 'm39', 'report', { reason: 'self_harm' }));
  assert.equal((await reply(app.POST('/v1/events', { body: { events: reports } }))).json.stored, 3);

  const queue = (await reply(moderator.GET('/v1/moderation/queue'))).json.items;
  assert.equal(queue[0].videoId, 'm39', JSON.stringify(queue));
  assert.equal(queue[0].frozen, true, JSON.stringify(queue));
  assert.deepEqual(queue[0].byReason, { self_harm: 3 });
  const freezes = (await ledgerSince(from)).filter((e) => e.action === 'moderationDecision');
  assert.equal(freezes.length, 1);
  assert.match(freezes[0]!.purpose, /freeze \(self_harm, automated\)/);
  assert.equal(freezes[0]!.principal, 'moteur-safety');
  assert.equal(freezes[0]!.resource, 'video:m39');

  assert.ok(!(await everythingServedTo('newcomer-after')).has('m39'), 'a frozen video reached a new person');
  const followerFeed = (await reply(app.GET('/v1/users/{id}/feed', byId(follower, { n: 10 })))).json.items;
  assert.ok(
    followerFeed.some((i: any) => i.videoId === 'm39' && i.source === 'followed'),
    'a follower lost the frozen video',
  );
});

test("a moderator's not_for_you takes a video out of every For You source but keeps it for followers; restore brings it back", async () => {
  const res = await reply(moderator.POST('/v1/moderation/decisions', { body: decision('m38', 'not_for_you') }));
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.ok(!(await everythingServedTo('nfy-stranger')).has('m38'));
  await reply(app.POST('/v1/events', { body: { events: [event('nfy-follower', 'm30', 'follow')] } }));
  const feed = (await reply(app.GET('/v1/users/{id}/feed', byId('nfy-follower', { n: 10 })))).json.items;
  assert.ok(feed.some((i: any) => i.videoId === 'm38' && i.source === 'followed'));
  assert.equal((await reply(app.GET('/v1/videos/{id}', byId('m38')))).status, 200, 'still reachable by link');

  assert.equal((await reply(moderator.POST('/v1/moderation/decisions', { body: decision('m38', 'restore') }))).status, 200);
  assert.ok((await everythingServedTo('nfy-after-restore')).has('m38'));
});

test('remove takes a video out everywhere; a label is shown and never amplified', async () => {
  await reply(moderator.POST('/v1/moderation/decisions', { body: decision('m37', 'remove') }));
  assert.equal((await reply(app.GET('/v1/videos/{id}', byId('m37')))).json.status, 'removed');
  await moderator.POST('/v1/moderation/decisions', {
    body: decision('m36', 'label', { label: 'unverified', category: 'negative_effects_on_civic_discourse_or_elections' }),
  });
  const served: any[] = [];
  for (let i = 0; i < 5; i++) served.push(...(await reply(app.GET('/v1/users/{id}/feed', byId('label-viewer', { n: 10 })))).json.items);
  assert.ok(!served.some((i) => i.videoId === 'm37'));
  for (const item of served.filter((i) => i.videoId === 'm36')) {
    assert.equal(item.label, 'unverified');
    assert.ok(!['explore', 'trending', 'catalog'].includes(item.source), `a labelled video was amplified by ${item.source}`);
  }
});

test('a statement of reasons for each action validates against every documented rule, names no one, and its puid is the decision id', async () => {
  const ids: Record<string, string> = {};
  for (const [video, action] of [
    ['m20', 'remove'],
    ['m21', 'not_for_you'],
    ['m22', 'age_restrict'],
    ['m23', 'label'],
  ] as const) {
    ids[action] = (await reply(moderator.POST('/v1/moderation/decisions', { body: decision(video, action) }))).json.id;
  }
  const illegal = decision('m24', 'remove', {
    ground: 'illegal',
    legalGround: 'Art. 6 of the national law on hate speech',
    category: 'illegal_or_harmful_speech',
  });
  ids.illegal = (await reply(moderator.POST('/v1/moderation/decisions', { body: illegal }))).json.id;
  ids.freeze = server.moteur.safety.moderation.decisions().find((d) => d.action === 'freeze')!.id;
  for (const [action, id] of Object.entries(ids)) {
    const res = await reply(moderator.GET('/v1/moderation/decisions/{id}/statement', byId(id)));
    assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.json)}`);
    const { statement, creatorCopy } = res.json;
    assert.deepEqual(validateStatement(statement), [], `${action}: ${JSON.stringify(statement)}`);
    assert.equal(statement.puid, id);
    const text = JSON.stringify(statement);
    for (const name of ['maker', 'reporter', 'mod-ana', 'follower']) assert.ok(!text.includes(name), `${action}: the statement names ${name}`);
    assert.match(creatorCopy.decided, /^Your video m\d+ /);
    assert.match(creatorCopy.howToAppeal, /POST \/v1\/moderation\/appeals/);
    assert.equal(creatorCopy.decidedBy, action === 'freeze' ? 'an automated system, without human review so far' : 'a human moderator');
  }
  const ageStatement = (await reply(app.GET('/v1/moderation/decisions/{id}/statement', byId(ids.age_restrict!)))).json.statement;
  assert.deepEqual(ageStatement.decision_visibility, ['DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED']);
  const restore = (await reply(moderator.POST('/v1/moderation/decisions', { body: decision('m21', 'restore') }))).json.id;
  const none = await reply(moderator.GET('/v1/moderation/decisions/{id}/statement', byId(restore)));
  assert.equal(none.status, 404);
  assert.equal(none.json.code, 'no_statement');
});

test('a bad decision is refused saying which field is wrong, and nothing is decided', async () => {
  const before = server.moteur.safety.moderation.decisions().length;
  // Sent unchecked: the typed client would not let most of them be sent.
  const cases: [Record<string, unknown>, string][] = [
    [{ ...decision('m10', 'remove'), action: 'ban' }, 'action'],
    [{ ...decision('m10', 'remove'), category: 'rudeness' }, 'category'],
    [decision('m10', 'remove', { ground: 'illegal' }), 'legalGround'],
    [decision('m10', 'remove', { explanation: '' }), 'explanation'],
    [{ ...decision('m10', 'remove'), note: 'x' }, 'note'],
  ];
  for (const [body, field] of cases) {
    const res = await sendUnchecked(server, moderatorKey, 'POST', '/v1/moderation/decisions', { json: body });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json.field, field, JSON.stringify(res.json));
  }
  assert.equal((await reply(moderator.POST('/v1/moderation/decisions', { body: decision('nope', 'remove') }))).status, 404);
  assert.equal(server.moteur.safety.moderation.decisions().length, before);
});

test("an app key cannot decide and a moderator cannot read a person's export; both refusals are in the ledger", async () => {
  const from = await ledgerSize();
  const decided = await reply(app.POST('/v1/moderation/decisions', { body: decision('m11', 'remove') }));
  assert.equal(decided.status, 403);
  assert.match(decided.json.message, /may not decideModeration/);
  const exported = await reply(moderator.GET('/v1/users/{id}/export', byId('reporter0')));
  assert.equal(exported.status, 403);
  assert.match(exported.json.message, /moderators-never-see-a-person/);
  assert.equal((await reply(moderator.GET('/v1/users/{id}/feed', byId('reporter0')))).status, 403);
  const denials = (await ledgerSince(from)).filter((e) => e.decision === 'deny').map((e) => e.action);
  assert.deepEqual(denials, ['decideModeration', 'exportUser', 'readFeed']);
  assert.equal((await reply(app.GET('/v1/videos/{id}', byId('m11')))).json.status, 'active');
});

test('an appeal reopens the case for another moderator; the outcome is recorded', async () => {
  const removed = (await reply(moderator.POST('/v1/moderation/decisions', { body: decision('m12', 'remove') }))).json;
  const from = await ledgerSize();
  const appeal = await reply(app.POST('/v1/moderation/appeals', { body: { decisionId: removed.id, explanation: 'It is a cooking video.' } }));
  assert.equal(appeal.status, 200, JSON.stringify(appeal.json));
  assert.equal((await reply(app.POST('/v1/moderation/appeals', { body: { decisionId: removed.id, explanation: 'again' } }))).json.code, 'appeal_open');
  const queued = (await reply(moderator.GET('/v1/moderation/queue'))).json.items.find((i: any) => i.videoId === 'm12');
  assert.deepEqual(queued.appeal, { id: appeal.json.id, decisionId: removed.id, action: 'remove', decidedBy: 'mod-ana' });
  const same = await reply(moderator.POST('/v1/moderation/decisions', { body: decision('m12', 'restore') }));
  assert.equal(same.status, 409);
  assert.equal(same.json.code, 'same_moderator');
  const other = await reply(clientFor(server, secondModeratorKey).POST('/v1/moderation/decisions', { body: decision('m12', 'restore') }));
  assert.equal(other.status, 200);
  assert.equal(other.json.appealId, appeal.json.id);
  assert.equal((await reply(app.GET('/v1/videos/{id}', byId('m12')))).json.status, 'active');
  assert.equal(server.moteur.safety.moderation.appeals().find((a) => a.id === appeal.json.id)?.status, 'reversed');
  const entries = (await ledgerSince(from)).filter((e) => e.action === 'moderationAppeal' || e.action === 'moderationDecision');
  assert.deepEqual(
    entries.map((e) => [e.action, e.principal]),
    [
      ['moderationAppeal', 'test-app'],
      ['moderationDecision', 'mod-ben'],
    ],
  );
  const unknown = await reply(app.POST('/v1/moderation/appeals', { body: { decisionId: 'dec-none', explanation: 'x' } }));
  assert.equal(unknown.status, 404);
});

test('every decision is a ledger entry, and the ledger verifies with moteur audit watch', async () => {
  await server.moteur.counts();
  const decisions = server.moteur.safety.moderation.decisions();
  const entries = (await ledgerSince(0)).filter((e) => e.action === 'moderationDecision');
  assert.deepEqual(entries.map((e) => e.purpose.split(':')[0]).sort(), decisions.map((d) => d.id).sort());
  const state = join(tempDir(), 'state.json');
  const key = server.moteur.ledger.verifierKey();
  const run = await runMoteur(['audit', 'watch', '--url', server.url, '--key', key, '--api-key', auditorKey, '--state', state, '--entries']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /ok: moteur\.ledger at size \d+, \d+ entries re-hashed/);
});

test('moteur safety statements writes every restricting decision as a valid statement; moteur safety report counts them, naming no one', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const out = join(tempDir(), 'statements.jsonl');
  const written = await runMoteur(['safety', 'statements', '--data', dataDir, '--from', today, '--to', today, '--out', out]);
  assert.equal(written.code, 0, written.stderr);
  const statements = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const decisions = server.moteur.safety.moderation.decisions();
  assert.deepEqual(
    statements.map((s) => s.puid).sort(),
    decisions
      .filter((d) => d.action !== 'restore')
      .map((d) => d.id)
      .sort(),
  );
  for (const statement of statements) assert.deepEqual(validateStatement(statement), [], JSON.stringify(statement));

  const report = await runMoteur(['safety', 'report', '--data', dataDir, '--from', today, '--to', today, '--json']);
  assert.equal(report.code, 0, report.stderr);
  const figures = JSON.parse(report.stdout);
  assert.equal(figures.reports.byReason.self_harm, 3);
  assert.equal(figures.decisions.total, decisions.length);
  // The one freeze reports triggered, and the holds the removals put on their creators' other videos.
  assert.equal(figures.decisions.automated, decisions.filter((d) => d.decidedBy === 'automated').length);
  assert.equal(decisions.filter((d) => d.decidedBy === 'automated' && d.source === 'notice').length, 1);
  assert.equal(figures.decisions.byAction.remove, decisions.filter((d) => d.action === 'remove').length);
  assert.deepEqual(figures.appeals, { received: 1, upheld: 0, reversed: 1, open: 0 });
  assert.ok(!/reporter|maker|mod-ana|test-app/.test(report.stdout), 'the report names someone');

  const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
  const empty = JSON.parse((await runMoteur(['safety', 'report', '--data', dataDir, '--from', tomorrow, '--to', tomorrow, '--json'])).stdout);
  assert.equal(empty.decisions.total, 0);

  const bad = await runMoteur(['safety', 'report', '--data', dataDir, '--from', '2026-13-01', '--to', today]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--from <day>.*expected a date YYYY-MM-DD/);
  const nowhere = await runMoteur(['safety', 'report', '--data', tempDir(), '--from', today, '--to', today]);
  assert.equal(nowhere.code, 2);
  assert.equal(nowhere.stderr.trim().split('\n').length, 1);
  assert.match(nowhere.stderr, /holds no moderation database/);
});
