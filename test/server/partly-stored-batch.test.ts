/**
 * A batch that the JetStream log takes only in part: the HTTP answer says, event by event, what was stored
 * and what was not, with a status that makes a naive client resend; the resend stores nothing twice; and
 * events the log holds all the same are learned once.
 */
import { DiscardPolicy } from '@nats-io/jetstream';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { openBackends, openLedger } from '../../src/cluster/backends.ts';
import type { NatsEventLog } from '../../src/log/nats/nats-event-log.ts';
import { serveEngine, type RunningServer } from '../../src/server/start.ts';
import { apiKey, authorized, event, tempDir, videos } from '../support/fixtures.ts';
import { freshNatsUrl, natsMissing } from '../support/services.ts';

const skip = await natsMissing();

test('POST /v1/events: events the log refuses are answered 503 one by one, and resending the batch stores each once', { skip }, async () => {
  const dataDir = tempDir();
  const key = apiKey(dataDir, 'admin');
  const options = { storeUrl: undefined, logUrl: freshNatsUrl('shards=2'), dataDir, masterKeyFile: undefined };
  const { store, sealedLog, log } = await openBackends(options);
  const server: RunningServer = await serveEngine(await Moteur.over(store, log, await openLedger(options, undefined)), { dataDir, port: 0 });
  after(() => server.close());
  const post = async (path: string, body: unknown) => {
    const res = await fetch(server.url + path, authorized(key, 'POST', body));
    return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as any };
  };
  assert.equal((await post('/v1/videos', { videos: videos(5, 5) })).json.stored, 5);

  // The claims stream takes two claims and refuses the others: those events are stored, but their ids are not recorded.
  const nats = sealedLog as NatsEventLog;
  await nats.jsm.streams.update(nats.subjects.idsStream, { max_msgs: 2, discard: DiscardPolicy.New });
  const batch = [0, 1, 2, 3, 4].map((i) => event('ada', `v${i}`, 'follow'));
  const first = await post('/v1/events', { events: [...batch, event('ada', 'nope', 'like')] });
  assert.equal(first.status, 503);
  assert.equal(first.retryAfter, '1');
  assert.equal(first.json.code, 'log_unavailable');
  assert.match(first.json.message, /^3 of 6 events could not be stored in the event log; resend them/);
  assert.deepEqual([first.json.stored, first.json.failed, first.json.rejected, first.json.duplicates], [2, 3, 1, 0]);
  const failed = first.json.results.filter((r: any) => r.status === 'failed');
  assert.equal(failed.length, 3);
  for (const r of failed) {
    assert.equal(r.code, 'log_unavailable');
    assert.match(r.message, /maximum messages exceeded.*send it again: if it was stored after all, it is reported a duplicate/);
  }
  assert.deepEqual(first.json.results[5], { id: first.json.results[5].id, status: 'rejected', code: 'unknown_video', message: "videoId: video 'nope' does not exist", field: 'videoId' });

  // The three are in the log all the same, so the engine has learned all five follows.
  const exported = async () => (await (await fetch(`${server.url}/v1/users/ada/export`, authorized(key))).json()) as any;
  assert.deepEqual((await exported()).learned.follows.sort(), ['c0', 'c1', 'c2', 'c3', 'c4']);

  await nats.jsm.streams.update(nats.subjects.idsStream, { max_msgs: -1, discard: DiscardPolicy.Old });
  const resend = await post('/v1/events', { events: batch });
  assert.equal(resend.status, 200);
  assert.deepEqual([resend.json.stored, resend.json.duplicates, resend.json.failed], [0, 5, 0]);
  assert.equal(await sealedLog.count(), 5, 'no event is stored twice');
  assert.equal((await nats.jsm.streams.info(nats.subjects.idsStream)).state.messages, 5, 'and the resend recorded every id');
  const again = await exported();
  assert.deepEqual(again.events.map((e: any) => e.id).sort(), batch.map((e) => e.id).sort());

  const metrics = await (await fetch(`${server.url}/metrics`, authorized(key))).text();
  assert.match(metrics, /moteur_events_ingested_total\{status="failed"\} 3/);
});
