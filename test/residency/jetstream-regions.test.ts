/**
 * Regions in the JetStream log: each person's events, and their part of the learner shards' model deltas,
 * are kept in their region's streams; the streams every region shares (the log's order, the deltas, the id
 * claims) hold nothing that names or describes anyone; a node serving one region does not fetch another
 * region's people from the deltas. Real PostgreSQL and JetStream, nodes in this process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliverPolicy, jetstreamManager, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startApiNode, type RunningApiNode } from '../../src/cluster/roles/api-node.ts';
import { startLearnerNode } from '../../src/cluster/roles/learner-node.ts';
import { parseNatsUrl } from '../../src/log/nats/nats-url.ts';
import { createClusterKey } from '../../bench/lib/cluster-nodes.ts';
import { byId, clientFor, reply } from '../support/client.ts';
import { clusterMasterKey, closeAfterTest, tempDir } from '../support/fixtures.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';
import { catalogAndTwoPeople } from './two-people.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());

const EU = 'EU-JS-PERSON-5d2a';
const US = 'US-JS-PERSON-9c41';

test("regions in JetStream: a person's events and model deltas stay in their region's streams", { skip, timeout: 90_000 }, async () => {
  const closeLater = closeAfterTest();
  const logUrl = freshNatsUrl('shards=2');
  const { servers, stream } = parseNatsUrl(logUrl);
  const nc = await connect({ servers });
  closeLater(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);

  /** The log's streams whose messages hold `text`, with how many messages each has. */
  const streamsHolding = async (text: string): Promise<string[]> => {
    const found: string[] = [];
    for await (const name of jsm.streams.names()) {
      if (name !== stream && !name.startsWith(`${stream}_`)) continue;
      const { state } = await jsm.streams.info(name);
      if (state.messages === 0) continue;
      const consumer = await js.consumers.get(name, { deliver_policy: DeliverPolicy.All });
      const messages = await consumer.fetch({ max_messages: state.messages, expires: 2000 });
      for await (const m of messages) {
        if (Buffer.from(m.data).includes(text) || m.subject.includes(text)) {
          found.push(name.slice(stream.length) || '(order)');
          break;
        }
        if (m.info.pending === 0) break;
      }
    }
    return found.sort();
  };

  const backends = { storeUrl: freshPostgresUrl(), logUrl, masterKeyFile: clusterMasterKey(), ledgerKeysDir: tempDir() };
  const api = async (regions: string[], dataDir: string): Promise<RunningApiNode> => {
    const node = await startApiNode({ ...backends, dataDir, port: 0, regions, learnFrom: 'deltas' });
    closeLater(() => node.close());
    return node;
  };
  const dirAll = tempDir();
  // The cluster's key, in its store: both nodes accept it.
  const key = await createClusterKey(backends.storeUrl, { id: 'test-admin', role: 'admin', regions: ['us', 'eu'] });
  const both = await api(['eu', 'us'], dirAll);
  const dirUs = tempDir();
  const usOnly = await api(['us'], dirUs);
  for (const shard of [0, 1]) {
    const learner = await startLearnerNode({ ...backends, dataDir: tempDir(), checkpointEveryMs: 500, shard: { index: shard, count: 2 }, deltaEveryMs: 50 });
    closeLater(() => learner.close());
  }

  const onBoth = clientFor(both, key);
  await catalogAndTwoPeople(onBoth, EU, US);
  await until('both people learned through the deltas', 10_000, async () =>
    [EU, US].every((p) => both.moteur.learning.learners.knowsUser(p)) ? true : undefined,
  );
  await until('the us node learned its person', 10_000, async () => (usOnly.moteur.learning.learners.knowsUser(US) ? true : undefined));

  assert.deepEqual(await streamsHolding(EU), ['_deltas_in_eu', '_in_eu'], "the EU person's events and model state are in the EU streams only");
  assert.deepEqual(await streamsHolding(US), ['_deltas_in_us', '_in_us']);
  const order = await jsm.streams.getMessage(stream, { seq: 1 });
  assert.match(order!.string(), /^(eu|us) \d+$/, 'the order stream says only where an event is');
  assert.equal(usOnly.moteur.learning.learners.knowsUser(EU), false, 'the us node did not take in the EU person from the deltas');

  // Erased: their events leave the EU stream (what the deltas hold of them no longer opens: their key is gone).
  assert.equal((await reply(onBoth.DELETE('/v1/users/{id}', byId(EU)))).status, 200);
  assert.deepEqual(await streamsHolding(EU), ['_deltas_in_eu']);
  assert.deepEqual(await streamsHolding(US), ['_deltas_in_us', '_in_us']);
});
