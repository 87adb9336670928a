/**
 * Two API nodes and two learner shards (0/2 and 1/2) as separate processes on the local PostgreSQL and NATS
 * JetStream: what is ingested through one node shows in the other's feeds; a learner killed with SIGKILL
 * mid-stream and restarted loses no event and counts none twice (its model counters, summed with the other
 * shard's, equal a single-process replay of the same log value for value); with one API node killed, the
 * other keeps serving.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { startNode, type Node } from '../../bench/lib/cluster-nodes.ts';
import { resolveConfig } from '../../src/app/config.ts';
import { EngineLearning, rebuildFromLog } from '../../src/app/learning.ts';
import { openBackends } from '../../src/cluster/backends.ts';
import type { OnlineLearners } from '../../src/learn/online/learners.ts';
import { COUNTERS } from '../../src/learn/online/video-counters.ts';
import { shardOf } from '../../src/log/nats/subjects.ts';
import { parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { getJson, postJson, request } from '../../src/sim/http-client.ts';
import { loadMasterKey, masterKeyFileIn } from '../../src/trust/crypto/master-key.ts';
import { keysFileIn } from '../../src/trust/policy/keys.ts';
import { runMoteur } from '../support/cli.ts';
import { apiKey, tempDir, videos } from '../support/fixtures.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The log position and the learners inside a shard's newest checkpoint: its shared row and the part of region `us`, in that region's schema. */
async function readCheckpoint(db: pg.Client, schema: string, shard: number) {
  const { rows } = await db.query<{ shared: Buffer; part: Buffer | null }>(
    `SELECT c.bytes AS shared, p.bytes AS part FROM ${schema}.model_checkpoints c LEFT JOIN ${schema}_us.model_checkpoint_parts p USING (shards, shard, seq)
     WHERE c.shards = 2 AND c.shard = $1 ORDER BY c.seq DESC LIMIT 1`,
    [shard],
  );
  if (rows[0] === undefined) return undefined;
  const learning = new EngineLearning(resolveConfig({}), () => undefined, { regions: ['us'], regionOf: () => 'us' });
  learning.restore({ shared: rows[0].shared, parts: new Map(rows[0].part === null ? [] : [['us', rows[0].part]]) }, `the checkpoint of shard ${shard}`);
  return { seq: learning.lastAppliedSeq, learners: learning.learners };
}

/**
 * Each video's counters read as of `now`. Relative watch is left out: it is measured against the mean watch
 * of the video's duration bucket, a statistic of every shard's people that each shard estimates on its own.
 */
function videoCounters(learners: OnlineLearners, now: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let slot = 0; slot < learners.catalog.size; slot++) {
    const f = learners.counters.decayFactor(slot, now);
    out.set(
      learners.catalog.get(slot).id,
      COUNTERS.filter((c) => c !== 'relativeWatch').map((c) => f * learners.counters.get(slot, c)),
    );
  }
  return out;
}

/** What each person chose (follows, hidden creators and sounds) and the keys they have an affinity to. */
function personState(learners: OnlineLearners, userId: string) {
  const taste = learners.taste.get(userId);
  return { follows: [...(taste?.follows ?? [])].sort(), hidden: [...(taste?.hidden ?? [])].sort(), keys: [...(taste?.affinities.keys() ?? [])].sort() };
}

test('cluster: two API nodes and two learner shards on PostgreSQL and JetStream', { skip, timeout: 110_000 }, async () => {
  // Hooks run in the order registered: the nodes stop before their schema and streams are dropped.
  const nodes: Node[] = [];
  const clients: pg.Client[] = [];
  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await Promise.all(clients.map((c) => c.end()));
  });
  const store = freshPostgresUrl();
  const log = freshNatsUrl('shards=2');
  // Every node wraps people's data keys with the same master key, and signs the one audit ledger with the same key.
  const masterKey = masterKeyFileIn(tempDir());
  loadMasterKey(masterKey);
  const ledgerKeys = tempDir();
  const env = { MOTEUR_STORE: store, MOTEUR_LOG: log, MOTEUR_MASTER_KEY: masterKey, MOTEUR_LEDGER_KEYS: ledgerKeys };
  const start = async (...args: string[]) => {
    const node = await startNode(args, env);
    nodes.push(node);
    return node;
  };
  const learner = (shard: number) => start('--role', 'learner', '--shard', `${shard}/2`, '--data', tempDir(), '--checkpoint-every', '1');
  const [dirA, dirB] = [tempDir(), tempDir()];
  const key = apiKey(dirA);
  const admin = apiKey(dirA, 'admin', undefined, 'test-admin');
  const auditor = apiKey(dirA, 'auditor', undefined, 'test-auditor');
  copyFileSync(keysFileIn(dirA), keysFileIn(dirB));
  const api = (dir: string) => start('--role', 'api', '--data', dir, '--port', '0');

  const learners = await Promise.all([learner(0), learner(1)]);
  const [a, b] = await Promise.all([api(dirA), api(dirB)]);
  const A = a!.url!;
  const B = b!.url!;
  const post = (url: string, body: unknown) => postJson(url, body, key);
  const get = (url: string) => getJson(url, key);

  // The catalog written through A reaches B.
  const catalog = videos(60);
  await post(`${A}/v1/videos`, { videos: catalog });
  await until('a video upserted on A known to B', 5000, async () => ((await request(`${B}/v1/videos/v59`, 'GET', undefined, key)).status === 200 ? true : undefined));

  // A follow ingested on A changes the person's feed on B.
  await post(`${A}/v1/events`, { events: [{ id: 'f1', userId: 'fan', videoId: 'v7', type: 'follow', ts: Date.now() }] });
  await until('the follow made on A in the feed on B', 5000, async () => {
    const feed = await get(`${B}/v1/users/fan/feed?n=5`);
    return feed.items.find((i: { creatorId: string }) => i.creatorId === 'c7');
  });

  // Sustained ingest through both nodes; learner shard 0 is killed with SIGKILL a third of the way in and restarted.
  const types = ['play', 'play', 'like', 'play', 'skip', 'play', 'share', 'play', 'comment', 'follow'];
  const batches = 24;
  for (let batch = 0; batch < batches; batch++) {
    const events = Array.from({ length: 100 }, (_, i) => {
      const n = batch * 100 + i;
      return { id: `load-${n}`, userId: `u${n % 37}`, videoId: `v${(n * 7) % catalog.length}`, type: types[n % types.length], ts: Date.now(), watchMs: 1000 + (n % 9) * 1000 };
    });
    const outcome = await post(`${batch % 2 === 0 ? A : B}/v1/events`, { events });
    assert.equal(outcome.stored, events.length);
    if (batch === 8) {
      await sleep(1200); // a checkpoint is written, and more events follow it unacknowledged
      await learners[0]!.kill();
      learners[0] = await learner(0);
      const resumedAt = Number(/ready at log position (\d+)/.exec(learners[0].output)?.[1]);
      assert.ok(resumedAt > 0, `the restarted learner starts from its checkpoint, not from the start of the log (${learners[0].output})`);
    }
  }

  // A single process replaying the same log, and where each shard's part of it ends.
  const backends = await openBackends({ storeUrl: store, logUrl: log, dataDir: tempDir(), masterKeyFile: masterKey });
  const replayed = (await rebuildFromLog(backends.store, backends.log, resolveConfig({}), backends.postgres!.directory)).learners;
  const lastOfShard = [0, 0];
  const eventsOfShard = [0, 0];
  const people = new Set<string>();
  for (let after = 0; ; ) {
    const page = await backends.log.readAfter(after, 1000);
    for (const e of page) {
      const shard = shardOf(e.userId, 2);
      lastOfShard[shard] = e.seq;
      eventsOfShard[shard]!++;
      people.add(e.userId);
    }
    if (page.length < 1000) break;
    after = page[page.length - 1]!.seq;
  }
  await backends.log.close();
  await backends.store.close();
  assert.ok(eventsOfShard[0]! > 0 && eventsOfShard[1]! > 0, 'both shards have people');

  // Each shard's newest checkpoint holds every event of its part exactly once.
  const target = parsePostgresUrl(store);
  const db = new pg.Client({ connectionString: target.connectionString });
  await db.connect();
  clients.push(db);
  const newest = (shard: number) => readCheckpoint(db, target.schema, shard);
  const shards = await Promise.all(
    [0, 1].map((shard) =>
      until(`a checkpoint of shard ${shard} with all its events`, 20_000, async () => {
        const checkpoint = await newest(shard);
        return checkpoint !== undefined && checkpoint.seq >= lastOfShard[shard]! ? checkpoint.learners : undefined;
      }),
    ),
  );
  shards.forEach((s, shard) => assert.equal(s.eventCount, eventsOfShard[shard], `events learned by shard ${shard} (more means counted twice, fewer means lost)`));

  // Video counters are sums over people: the two shards' add up to the single process's, value for value.
  const now = replayed.now;
  const [counters0, counters1] = shards.map((s) => videoCounters(s, now));
  for (const [videoId, expected] of videoCounters(replayed, now)) {
    const summed = expected.map((_, i) => (counters0!.get(videoId)?.[i] ?? 0) + (counters1!.get(videoId)?.[i] ?? 0));
    summed.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) <= 1e-9 * Math.max(1, expected[i]!), `${videoId} counter ${i}: shards ${value}, one process ${expected[i]}`));
  }
  // A person is learned by one shard only, which knows what the single process knows about them.
  for (const userId of people) {
    const owner = shards[shardOf(userId, 2)]!;
    assert.deepEqual(personState(owner, userId), personState(replayed, userId), userId);
    assert.equal(shards[1 - shardOf(userId, 2)]!.knowsUser(userId), false, `${userId} is known to one shard only`);
  }

  // Both API nodes learned the same from the log: a person's affinities agree.
  const learned = async (url: string) => (await getJson(`${url}/v1/users/u3/export`, admin)).learned.affinities;
  const fromA = await learned(A);
  assert.ok(fromA.length > 0);
  assert.deepEqual(await learned(B), fromA);

  // A refresh through A: B forgets the person's taste too, and learns again from their next events.
  const refreshed = await request(`${A}/v1/users/u7/refresh`, 'POST', undefined, key);
  assert.equal(refreshed.status, 200, refreshed.text);
  await until("B dropping u7's taste", 5000, async () => ((await getJson(`${B}/v1/users/u7/export`, admin)).learned.affinities.length === 0 ? true : undefined));
  await post(`${B}/v1/events`, { events: [{ id: 'after-refresh', userId: 'u7', videoId: 'v3', type: 'like', ts: Date.now() }] });
  await until('u7 learned again after the refresh', 5000, async () => ((await getJson(`${A}/v1/users/u7/export`, admin)).learned.affinities.length > 0 ? true : undefined));

  // Erased through A: B forgets the person and can no longer open their events; their shard's newest
  // checkpoint, written after the erasure, does not know them.
  const erased = await request(`${A}/v1/users/u5`, 'DELETE', undefined, admin);
  assert.equal(erased.status, 200, erased.text);
  await until('B forgetting the erased person', 5000, async () => ((await request(`${B}/v1/users/u5/export`, 'GET', undefined, admin)).status === 404 ? true : undefined));
  const afterErasure = await until('a checkpoint written after the erasure', 10_000, () => newest(shardOf('u5', 2)));
  assert.equal(afterErasure.learners.knowsUser('u5'), false);

  // One audit ledger: the auditor's watch passes on A, then on B with the same state (B's checkpoint extends
  // A's), every entry re-hashing to the signed root; both serve the same entries.
  const printed = await runMoteur(['audit', 'key', '--data', dirA, '--ledger-keys', ledgerKeys]);
  const verifierKey = printed.stdout.trim();
  assert.match(verifierKey, /^moteur\.ledger\+[0-9a-f]{8}\+/, printed.stderr);
  const state = join(tempDir(), 'watch.json');
  for (const url of [A, B]) {
    const run = await runMoteur(['audit', 'watch', '--url', url, '--key', verifierKey, '--api-key', auditor, '--state', state, '--entries']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /ok: moteur\.ledger at size \d+, \d+ entries re-hashed/);
  }
  const watched = JSON.parse(readFileSync(state, 'utf8')).size as number;
  const page = async (url: string) => (await getJson(`${url}/v1/ledger/entries?start=${watched - 20}&end=${watched}`, auditor)).entries;
  assert.deepEqual(await page(A), await page(B));
  // A node started with a ledger key of its own is refused before it serves anything.
  await assert.rejects(
    startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], { ...env, MOTEUR_LEDGER_KEYS: tempDir() }),
    /exited before it was ready[\s\S]*the ledger is signed by moteur\.ledger\+[0-9a-f]{8}\+\S+, not by this node's key[\s\S]*--ledger-keys/,
  );
  const principals = new Set((await page(B)).map((e: { entry: { principal: string } }) => e.entry.principal));
  assert.ok(principals.has('test-auditor'), 'the auditor reads recorded by either node are in the one ledger');

  // With A killed, B keeps ingesting and serving, and learns from what it ingests.
  await a!.kill();
  await post(`${B}/v1/events`, { events: [{ id: 'f2', userId: 'late', videoId: 'v11', type: 'follow', ts: Date.now() }] });
  await until('B serving a follow made through B after A died', 5000, async () => {
    const feed = await get(`${B}/v1/users/late/feed?n=5`);
    return feed.items.find((i: { creatorId: string }) => i.creatorId === 'c11');
  });
});
