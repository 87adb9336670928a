/**
 * Moderation across a cluster's serving nodes, as separate processes on the local PostgreSQL and NATS
 * JetStream: a decision made through one node is in force on the other (the video leaves its lists, its
 * statement of reasons is there, the sensitive topics it set are the video's), reports taken in by one node are
 * in the other's queue, an appeal sent through one reopens the case on the other, and a node started later knows
 * all of it before it serves.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createClusterKey, startNode, type Node } from '../../bench/lib/cluster-nodes.ts';
import type { Role } from '../../src/trust/policy/vocabulary.ts';
import { answer, byId, clientFor, reply } from '../support/client.ts';
import { clusterMasterKey, TEST_REGIONS, tempDir } from '../support/fixtures.ts';
import { datedCatalog } from './follow-freshness.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());

test('cluster moderation: decisions, reports and appeals made through one serving node are in force on the others', { skip, timeout: 120_000 }, async () => {
  const nodes: Node[] = [];
  after(() => Promise.all(nodes.map((n) => n.kill())));
  const store = freshPostgresUrl();
  const env = { MOTEUR_STORE: store, MOTEUR_LOG: freshNatsUrl(), MOTEUR_MASTER_KEY: clusterMasterKey(), MOTEUR_LEDGER_KEYS: tempDir() };
  const api = async () => {
    const node = await startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], env);
    nodes.push(node);
    return node.url!;
  };
  const clusterKey = (role: Role, id: string) => createClusterKey(store, { id, role, regions: TEST_REGIONS });
  const [appKey, moderatorKey, otherModeratorKey] = await Promise.all([
    clusterKey('app', 'app'),
    clusterKey('moderator', 'moderator-1'),
    clusterKey('moderator', 'moderator-2'),
  ]);
  const [A, B] = await Promise.all([api(), api()]);
  const app = (url: string) => clientFor({ url }, appKey);

  await answer(app(A).POST('/v1/videos', { body: { videos: datedCatalog() } }));
  await until('the catalog written through A known to B', 5000, async () =>
    (await reply(app(B).GET('/v1/videos/{id}', byId('v59')))).status === 200 ? true : undefined,
  );

  // A moderator's decision through A: not for you, with a sensitive topic set.
  const decided = await answer(
    clientFor({ url: A }, moderatorKey).POST('/v1/moderation/decisions', {
      body: {
        videoId: 'v58',
        action: 'not_for_you',
        category: 'self_harm',
        ground: 'incompatible',
        explanation: 'Promotes extreme dieting.',
        sensitiveTopics: ['dieting'],
      },
    }),
  );
  const newest = async (url: string) => (await answer(app(url).GET('/v1/videos/new', { params: { query: { n: 60 } } }))).items.map((v) => v.videoId);
  await until('the decision made through A in force on B', 5000, async () => {
    const statement = await reply(app(B).GET('/v1/moderation/decisions/{id}/statement', byId(decided.id)));
    return statement.status === 200 ? statement : undefined;
  });
  assert.ok(!(await newest(B)).includes('v58'), 'B lists no video a moderator took out of For You');
  assert.ok((await newest(B)).includes('v57'), 'B still lists the others');
  assert.deepEqual((await answer(app(B).GET('/v1/videos/{id}', byId('v58')))).sensitiveTopics, ['dieting']);

  // Reports taken in by B are in A's queue, weighed as B weighed them.
  const reports = ['r1', 'r2', 'r3'].map((userId, i) => ({ id: `report-${i}`, userId, videoId: 'v20', type: 'report', reason: 'hate', ts: Date.now() }));
  await answer(app(B).POST('/v1/events', { body: { events: reports } }));
  const queueOf = async (url: string) => (await answer(clientFor({ url }, moderatorKey).GET('/v1/moderation/queue', {}))).items;
  const onB = (await queueOf(B)).find((item) => item.videoId === 'v20');
  assert.equal(onB?.reports, 3);
  await until("B's reports in A's queue", 5000, async () => (await queueOf(A)).find((item) => item.videoId === 'v20' && item.reports === 3));
  assert.equal((await queueOf(A)).find((item) => item.videoId === 'v20')!.weightedReports, onB.weightedReports);

  // A creator's appeal through B reopens the case on A, where only another moderator may decide it.
  const appeal = await answer(app(B).POST('/v1/moderation/appeals', { body: { decisionId: decided.id, explanation: 'It is a cooking video.' } }));
  await until("the appeal sent through B in A's queue", 5000, async () => (await queueOf(A)).find((item) => item.appeal?.id === appeal.id));
  const sameModerator = await reply(
    clientFor({ url: A }, moderatorKey).POST('/v1/moderation/decisions', {
      body: { videoId: 'v58', action: 'restore', category: 'self_harm', ground: 'incompatible', explanation: 'On appeal.' },
    }),
  );
  assert.equal(sameModerator.status, 409, JSON.stringify(sameModerator.json));
  await answer(
    clientFor({ url: A }, otherModeratorKey).POST('/v1/moderation/decisions', {
      body: { videoId: 'v58', action: 'restore', category: 'self_harm', ground: 'incompatible', explanation: 'A cooking video, on appeal.' },
    }),
  );
  await until('the restore through A in force on B', 5000, async () => ((await newest(B)).includes('v58') ? true : undefined));
  await until("the appeal answered in B's queue", 5000, async () => ((await queueOf(B)).some((item) => item.appeal?.id === appeal.id) ? undefined : true));

  // A node started now knows all of it before it serves.
  const C = await api();
  assert.ok((await newest(C)).includes('v58'));
  assert.equal((await reply(app(C).GET('/v1/moderation/decisions/{id}/statement', byId(decided.id)))).status, 200);
  assert.equal((await queueOf(C)).find((item) => item.videoId === 'v20')?.weightedReports, onB.weightedReports);
  assert.deepEqual((await answer(app(C).GET('/v1/videos/{id}', byId('v58')))).sensitiveTopics, ['dieting']);
});
