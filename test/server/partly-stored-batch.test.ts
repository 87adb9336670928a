/**
 * A batch that the JetStream log takes only in part: the HTTP answer says, event by event, what was stored
 * and what was not, with a status that makes a naive client resend; the resend stores what failed and
 * nothing twice; and only what the log holds is learned.
 */
import { DiscardPolicy } from '@nats-io/jetstream';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { openBackends, openLedger } from '../../src/cluster/backends.ts';
import type { NatsEventLog } from '../../src/log/nats/nats-event-log.ts';
import { serveEngine, type RunningServer } from '../../src/server/start.ts';
import { answer, clientFor, sendEvents } from '../support/client.ts';
import { apiKey, event, tempDir, videos } from '../support/fixtures.ts';
import { freshNatsUrl, natsMissing } from '../support/services.ts';

const skip = await natsMissing();

test('POST /v1/events: events the log refuses are answered 503 one by one, and resending the batch stores each once', { skip }, async () => {
  const dataDir = tempDir();
  const key = apiKey(dataDir, 'admin');
  const options = { storeUrl: undefined, logUrl: freshNatsUrl('shards=2'), dataDir, masterKeyFile: undefined };
  const { store, sealedLog, log } = await openBackends(options);
  const server: RunningServer = await serveEngine(await Moteur.over(store, log, await openLedger(options, undefined)), { dataDir, port: 0 });
  after(() => server.close());
  const moteur = clientFor(server, key);
  const post = async (events: unknown[]) => {
    const { data, error, response } = await moteur.POST('/v1/events', { body: { events } });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), json: (data ?? error) as any };
  };
  assert.equal((await answer(moteur.POST('/v1/videos', { body: { videos: videos(5, 5) } }))).stored, 5);

  // The order stream takes two events and refuses the others: those are not in the log.
  const nats = sealedLog as NatsEventLog;
  const limitOrder = (max_msgs: number) => nats.jsm.streams.update(nats.subjects.stream, { max_msgs, discard: DiscardPolicy.New });
  const liftOrderLimit = () => nats.jsm.streams.update(nats.subjects.stream, { max_msgs: -1, discard: DiscardPolicy.Old });
  await limitOrder(2);
  const batch = [0, 1, 2, 3, 4].map((i) => event('ada', `v${i}`, 'follow'));
  const first = await post([...batch, event('ada', 'nope', 'like')]);
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
  assert.deepEqual(first.json.results[5], {
    id: first.json.results[5].id,
    status: 'rejected',
    code: 'unknown_video',
    message: "videoId: video 'nope' does not exist",
    field: 'videoId',
  });

  // Only the two stored are learned.
  const exported = async () => (await answer(moteur.GET('/v1/users/{id}/export', { params: { path: { id: 'ada' } } }))) as any;
  assert.deepEqual((await exported()).learned.follows.sort(), ['c0', 'c1']);

  await liftOrderLimit();
  const resend = await post(batch);
  assert.equal(resend.status, 200);
  assert.deepEqual([resend.json.stored, resend.json.duplicates, resend.json.failed], [3, 2, 0]);
  assert.equal(await sealedLog.count(), 5, 'no event is stored twice');
  assert.equal((await nats.jsm.streams.info(nats.subjects.stream)).state.messages, 5, 'and each is in the log once');
  const again = await exported();
  assert.deepEqual(again.events.map((e: any) => e.id).sort(), batch.map((e) => e.id).sort());
  assert.deepEqual(again.learned.follows.sort(), ['c0', 'c1', 'c2', 'c3', 'c4']);

  const metrics = await answer(moteur.GET('/metrics', { parseAs: 'text' }));
  assert.match(metrics, /moteur_events_ingested_total\{status="failed"\} 3/);

  // The typed client resends a 503 by itself, after the wait Retry-After asks for: here the log takes the batch
  // again once the stream's limit is lifted, between the answer and the resend.
  await limitOrder(6);
  const answers: { status: number; at: number }[] = [];
  const retrying = clientFor(server, key, {
    retries: 3,
    fetch: async (request) => {
      const response = await fetch(request);
      answers.push({ status: response.status, at: performance.now() });
      if (response.status === 503) await liftOrderLimit();
      return response;
    },
  });
  const later = [5, 6, 7].map((i) => ({ ...event('ada', `v${i % 5}`, 'share'), type: 'share' as const }));
  const reply = await sendEvents(retrying, later);
  assert.deepEqual(
    answers.map((a) => a.status),
    [503, 200],
  );
  assert.ok(answers[1]!.at - answers[0]!.at >= 950, `resent ${Math.round(answers[1]!.at - answers[0]!.at)} ms after a Retry-After of 1 s`);
  // The first try put one of the three in the log; the resend stores the other two.
  assert.deepEqual([reply.stored, reply.duplicates, reply.failed], [2, 1, 0]);
  assert.equal(await sealedLog.count(), 8, 'every event of the batch is stored once');
});
