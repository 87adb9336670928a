/**
 * Two API nodes and two learner shards (0/2 and 1/2) as separate processes on the local PostgreSQL and NATS
 * JetStream, the API nodes applying the shards' model deltas rather than learning the log: what is ingested
 * through one node shows in the other's feeds through a learner shard's delta (and not before a shard runs);
 * a learner killed with SIGKILL mid-stream and restarted loses no event and counts none twice (each shard's
 * and a serving node's video counters equal a single-process replay of the same log value for value); a
 * malformed or repeated delta is ignored; with one API node killed, the other keeps serving.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { createClusterKey, startNode, type Node } from '../../bench/lib/cluster-nodes.ts';
import { resolveConfig } from '../../src/app/config.ts';
import { EngineLearning, rebuildFromLog } from '../../src/app/learning.ts';
import { learnerSnapshotPath } from '../../src/app/moteur.ts';
import { readRegionalFiles } from '../../src/learn/online/regional-snapshot.ts';
import type { NatsEventLog } from '../../src/log/nats/nats-event-log.ts';
import { openBackends } from '../../src/cluster/backends.ts';
import type { OnlineLearners } from '../../src/learn/online/learners.ts';
import { COUNTERS } from '../../src/learn/online/video-counters.ts';
import { messageOf } from '../../src/core/thrown.ts';
import { shardOf } from '../../src/log/nats/subjects.ts';
import { parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import type { LedgerEntry } from '../../src/trust/ledger/ledger.ts';
import type { Role } from '../../src/trust/policy/vocabulary.ts';
import { runMoteur } from '../support/cli.ts';
import { answer, byId, clientFor, reply } from '../support/client.ts';
import { clusterMasterKey, TEST_REGIONS, tempDir } from '../support/fixtures.ts';
import { checkFollowFreshness, datedCatalog, personOfShard } from './follow-freshness.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';
import { videoCounters as countersOf } from '../support/video-counters.ts';

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
const videoCounters = (learners: OnlineLearners, now: number) =>
  countersOf(
    learners,
    now,
    COUNTERS.filter((c) => c !== 'relativeWatch'),
  );

/** What each person chose (follows, hidden creators and sounds) and the keys they have an affinity to. */
function personState(learners: OnlineLearners, userId: string) {
  const taste = learners.parts.taste.get(userId);
  return { follows: [...(taste?.follows ?? [])].sort(), hidden: [...(taste?.hidden ?? [])].sort(), keys: [...(taste?.affinities.keys() ?? [])].sort() };
}

test('cluster: two API nodes and two learner shards on PostgreSQL and JetStream', { skip, timeout: 180_000 }, async () => {
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
  const masterKey = clusterMasterKey();
  const ledgerKeys = tempDir();
  const env = { MOTEUR_STORE: store, MOTEUR_LOG: log, MOTEUR_MASTER_KEY: masterKey, MOTEUR_LEDGER_KEYS: ledgerKeys };
  const start = async (...args: string[]) => {
    const node = await startNode(args, env);
    nodes.push(node);
    return node;
  };
  const learner = (shard: number) => start('--role', 'learner', '--shard', `${shard}/2`, '--data', tempDir(), '--checkpoint-every', '1', '--delta-every', '50');
  const [dirA, dirB] = [tempDir(), tempDir()];
  // The cluster's keys, in its store: every API node accepts them.
  const clusterKey = (role: Role, id: string) => createClusterKey(store, { id, role, regions: TEST_REGIONS });
  const [key, admin, auditor] = await Promise.all([clusterKey('app', 'test-app'), clusterKey('admin', 'test-admin'), clusterKey('auditor', 'test-auditor')]);
  const api = (dir: string) => start('--role', 'api', '--data', dir, '--port', '0', '--learn-from', 'deltas');

  const [a, b] = await Promise.all([api(dirA), api(dirB)]);
  const A = a!.url!;
  let B = b!.url!;
  const on = (url: string, apiKey: string) => clientFor({ url }, apiKey);
  const ingest = (url: string, events: unknown[]) => answer(on(url, key).POST('/v1/events', { body: { events } }));
  const feedOf = (url: string, userId: string) => answer(on(url, key).GET('/v1/users/{id}/feed', byId(userId, { n: 5 })));
  const exportOf = (url: string, userId: string) => answer(on(url, admin).GET('/v1/users/{id}/export', byId(userId)));
  const follows = async (url: string, userId: string): Promise<string[]> => {
    const exported = await reply(on(url, admin).GET('/v1/users/{id}/export', byId(userId)));
    return exported.status === 404 ? [] : exported.json.learned.follows;
  };

  // The catalog written through A reaches B.
  const catalog = datedCatalog();
  await answer(on(A, key).POST('/v1/videos', { body: { videos: catalog } }));
  await until('a video upserted on A known to B', 5000, async () =>
    (await reply(on(B, key).GET('/v1/videos/{id}', byId('v59')))).status === 200 ? true : undefined,
  );

  // A follow ingested on A: with no learner shard running, neither node learns it (they learn from deltas only).
  await ingest(A, [{ id: 'f1', userId: 'fan', videoId: 'v7', type: 'follow', ts: Date.now() }]);
  await sleep(1500);
  assert.deepEqual(await follows(B, 'fan'), [], 'B did not learn the event itself');
  assert.deepEqual(await follows(A, 'fan'), [], 'A did not learn the event itself');

  // Once the learner shards run, the follow reaches B through the person's shard's delta and changes their feed there.
  const learners = await Promise.all([learner(0), learner(1)]);
  await until('the follow made on A learned on B', 5000, async () => ((await follows(B, 'fan')).includes('c7') ? true : undefined));
  await until('the follow made on A in the feed on B', 5000, async () => {
    const feed = await feedOf(B, 'fan');
    return feed.items.find((i) => i.creatorId === 'c7' && i.source === 'followed');
  });

  const target = parsePostgresUrl(store);
  const db = new pg.Client({ connectionString: target.connectionString });
  await db.connect();
  clients.push(db);

  // Sustained ingest through both nodes; learner shard 0 is killed with SIGKILL a third of the way in and restarted.
  const types = ['play', 'play', 'like', 'play', 'skip', 'play', 'share', 'play', 'comment', 'follow'];
  const batches = 24;
  for (let batch = 0; batch < batches; batch++) {
    const events = Array.from({ length: 100 }, (_, i) => {
      const n = batch * 100 + i;
      return {
        id: `load-${n}`,
        userId: `u${n % 37}`,
        videoId: `v${(n * 7) % catalog.length}`,
        type: types[n % types.length],
        ts: Date.now(),
        watchMs: 1000 + (n % 9) * 1000,
      };
    });
    const outcome = await ingest(batch % 2 === 0 ? A : B, events);
    assert.equal(outcome.stored, events.length);
    if (batch === 8) {
      // A checkpoint is written, and more events follow it unacknowledged.
      await until('a checkpoint of shard 0 with events in it', 10_000, async () =>
        (await db.query(`SELECT 1 FROM ${target.schema}.model_checkpoints WHERE shards = 2 AND shard = 0 AND seq > 0`)).rows.length > 0 ? true : undefined,
      );
      await learners[0]!.kill();
      learners[0] = await learner(0);
      const resumedAt = Number(/ready at log position (\d+)/.exec(learners[0].output)?.[1]);
      assert.ok(resumedAt > 0, `the restarted learner starts from its checkpoint, not from the start of the log (${learners[0].output})`);
    }
  }

  // Follow freshness after the kill and restart, for a person of the restarted shard: watched on B, followed
  // on A from an older video; B's feed brings the creator's newest video they have not watched, the one
  // followed from (a follow does not mark its video watched).
  await checkFollowFreshness({ watchOn: B, followOn: A, feedOn: B, person: personOfShard(0, 2, 'fresh-fan'), key, admin });

  // Deltas that must change nothing: bytes that are not a delta, and shard 1's first and newest deltas sent
  // again under new message ids (JetStream drops a resend under the same id on its own).
  const backends = await openBackends({ storeUrl: store, logUrl: log, dataDir: tempDir(), masterKeyFile: masterKey });
  const nats = backends.sealedLog as NatsEventLog;
  // Closed at the end, or here if the test fails first: an open connection would keep the test process alive.
  let backendsOpen = true;
  const closeBackends = async () => {
    if (!backendsOpen) return;
    backendsOpen = false;
    await nats.close();
    await backends.store.close();
  };
  after(closeBackends);
  const deltaStream = `${nats.subjects.stream}_deltas`;
  const shard1 = `${nats.subjects.stream}.deltas.1`;
  await until("shard 1's deltas of its part", 10_000, async () =>
    (await nats.jsm.streams.info(deltaStream, { subjects_filter: shard1 })).state.messages > 1 ? true : undefined,
  );
  await nats.js.publish(`${nats.subjects.stream}.deltas.0`, new TextEncoder().encode('not a model delta'));
  const first = (await (await nats.js.consumers.get(deltaStream, { filter_subjects: shard1 })).next())!;
  const newest = (await nats.jsm.streams.getMessage(deltaStream, { last_by_subj: shard1 }))!;
  assert.equal(
    (await nats.js.publish(shard1, first.data, { msgID: first.headers!.get('Nats-Msg-Id') })).duplicate,
    true,
    'a resend under its own id is dropped by JetStream',
  );
  for (const [i, m] of [first, newest].entries()) await nats.js.publish(shard1, m.data, { msgID: `test-resend-${i}` });

  // A single process replaying the same log, and where each shard's part of it ends.
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
  assert.ok(eventsOfShard[0]! > 0 && eventsOfShard[1]! > 0, 'both shards have people');

  // Each shard's newest checkpoint holds every event of its part exactly once.
  const newestCheckpoint = (shard: number) => readCheckpoint(db, target.schema, shard);
  const totalEvents = eventsOfShard[0]! + eventsOfShard[1]!;
  // Each shard's checkpoint holds the whole model once it has applied the other's last delta: every event of the log counted once.
  // What the newest checkpoint held when the wait ended, so that a timeout says which half was missing.
  const seen: string[] = ['none', 'none'];
  const shards = await Promise.all(
    [0, 1].map((shard) =>
      until(`a checkpoint of shard ${shard} with all its events and the other shard's`, 60_000, async () => {
        const checkpoint = await newestCheckpoint(shard);
        if (checkpoint === undefined) return undefined;
        seen[shard] = `position ${checkpoint.seq} of ${lastOfShard[shard]}, ${checkpoint.learners.eventCount} of ${totalEvents} events`;
        return checkpoint.seq >= lastOfShard[shard]! && checkpoint.learners.eventCount >= totalEvents ? checkpoint.learners : undefined;
      }).catch((err: unknown) => {
        throw new Error(`${messageOf(err)}; its newest checkpoint: ${seen[shard]}`);
      }),
    ),
  );
  shards.forEach((s, shard) => assert.equal(s.eventCount, totalEvents, `events in shard ${shard}'s model (more means counted twice, fewer means lost)`));

  // Each replica's video counters equal the single process's, value for value.
  const now = replayed.now;
  const sameCounters = (what: string, learners: OnlineLearners) => {
    const got = videoCounters(learners, now);
    for (const [videoId, expected] of videoCounters(replayed, now)) {
      expected.forEach((value, i) => {
        const mine = got.get(videoId)?.[i] ?? 0;
        assert.ok(Math.abs(mine - value) <= 1e-9 * Math.max(1, value), `${what}, ${videoId} counter ${i}: ${mine}, one process ${value}`);
      });
    }
  };
  shards.forEach((s, shard) => sameCounters(`shard ${shard}`, s));
  // Each shard knows every person as their own shard learned them, which is what the single process knows.
  for (const userId of people) for (const s of shards) assert.deepEqual(personState(s, userId), personState(replayed, userId), userId);

  // The serving node B, stopped cleanly, wrote the model it built from deltas: the same counters, every event once.
  await b!.stop();
  const servingB = new EngineLearning(resolveConfig({}), () => undefined, { regions: ['us'], regionOf: () => 'us' });
  servingB.restore(readRegionalFiles(learnerSnapshotPath(dirB), ['us'])!, 'the serving node B');
  assert.equal(servingB.learners.eventCount, totalEvents, 'events in the serving node B (more means counted twice, fewer means lost)');
  sameCounters('serving node B', servingB.learners);
  // Restarted, it starts from the newest shard checkpoint and the deltas after it.
  const restartedB = await api(dirB);
  B = restartedB.url!;

  // Both API nodes hold the person's shard's copy of them: a person's affinities agree.
  const learned = async (url: string) => (await exportOf(url, 'u3')).learned.affinities;
  const fromA = await learned(A);
  assert.ok(fromA.length > 0);
  assert.deepEqual(await learned(B), fromA);

  // A refresh through A: B forgets the person's taste too, and learns again from their next events.
  const refreshed = await reply(on(A, key).POST('/v1/users/{id}/refresh', byId('u7')));
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
  await until("B dropping u7's taste", 5000, async () => ((await exportOf(B, 'u7')).learned.affinities.length === 0 ? true : undefined));
  await ingest(B, [{ id: 'after-refresh', userId: 'u7', videoId: 'v3', type: 'like', ts: Date.now() }]);
  await until('u7 learned again after the refresh', 5000, async () => ((await exportOf(A, 'u7')).learned.affinities.length > 0 ? true : undefined));

  // Erased through A: B forgets the person and can no longer open their events; their shard's newest
  // checkpoint, written after the erasure, does not know them.
  const erased = await reply(on(A, admin).DELETE('/v1/users/{id}', byId('u5')));
  assert.equal(erased.status, 200, JSON.stringify(erased.json));
  await until('B forgetting the erased person', 5000, async () =>
    (await reply(on(B, admin).GET('/v1/users/{id}/export', byId('u5')))).status === 404 ? true : undefined,
  );
  for (const shard of [0, 1]) {
    const afterErasure = await until(`a checkpoint of shard ${shard} written after the erasure`, 10_000, () => newestCheckpoint(shard));
    assert.equal(afterErasure.learners.knowsUser('u5'), false, `shard ${shard} forgot the erased person`);
  }

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
  const page = async (url: string) =>
    (await answer(on(url, auditor).GET('/v1/ledger/entries', { params: { query: { start: watched - 20, end: watched } } }))).entries;
  assert.deepEqual(await page(A), await page(B));
  // A node started with a ledger key of its own is refused before it serves anything.
  await assert.rejects(
    startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], { ...env, MOTEUR_LEDGER_KEYS: tempDir() }),
    /exited before it was ready[\s\S]*the ledger is signed by moteur\.ledger\+[0-9a-f]{8}\+\S+, not by this node's key[\s\S]*--ledger-keys/,
  );
  const principals = new Set((await page(B)).map((e) => (e.entry as LedgerEntry).principal));
  assert.ok(principals.has('test-auditor'), 'the auditor reads recorded by either node are in the one ledger');

  // With A killed, B keeps ingesting and serving, and learns from what it ingests.
  await a!.kill();
  await closeBackends();
  await ingest(B, [{ id: 'f2', userId: 'late', videoId: 'v11', type: 'follow', ts: Date.now() }]);
  await until('B serving a follow made through B after A died', 5000, async () => {
    const feed = await feedOf(B, 'late');
    return feed.items.find((i) => i.creatorId === 'c11' && i.source === 'followed');
  });
});
