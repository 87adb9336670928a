import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, sendUnchecked, type MoteurClient } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS } from '../support/fixtures.ts';

const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app');
const moderatorKey = apiKey(dataDir, 'moderator');
let server: RunningServer;
const TOPICS = ['dieting', 'sadness', 'breakups'];

let app: MoteurClient;
const feedPage = async (userId: string, query: { n: number; explain?: '1' }) =>
  ((await answer(app.GET('/v1/users/{id}/feed', byId(userId, query)))) as any).items;

/** 80 videos: the first 40 carry a sensitive topic and are the most watched, so a feed left alone would run them together. */
const catalog = Array.from({ length: 80 }, (_, i) => ({
  id: `d${i}`,
  creatorId: `cr${i % 16}`,
  durationMs: 20_000,
  soundId: `snd${i}`,
  hashtags: [i < 40 ? TOPICS[i % 3]! : `plain${i % 4}`],
  ...(i < 40 ? { sensitiveTopics: [TOPICS[i % 3]!] } : {}),
}));
const topicOf = new Map(catalog.filter((v) => v.sensitiveTopics).map((v) => [v.id, v.sensitiveTopics![0]!]));

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  app = clientFor(server, appKey);
  assert.equal((await answer(app.POST('/v1/videos', { body: { videos: catalog } }))).stored, catalog.length);
  const events = [];
  for (let i = 0; i < 40; i++)
    for (let p = 0; p < 6; p++) events.push(event(`viewer${p}`, `d${i}`, 'play', { watchMs: 20_000 }), event(`viewer${p}`, `d${i}`, 'like'));
  assert.equal((await answer(app.POST('/v1/events', { body: { events } }))).stored, events.length);
});
after(() => server.close());

test('a feed never serves two videos of one sensitive topic within any 10 consecutive items, across pages, and explain=1 says when it acted', async () => {
  const served: any[] = [];
  // A person who loves the topic: their history pulls the sensitive videos up.
  await answer(app.POST('/v1/events', { body: { events: [0, 1, 2, 3].map((i) => event('teen', `d${i}`, 'like')) } }));
  for (let page = 0; page < 6; page++) served.push(...(await feedPage('teen', { n: 7, explain: '1' })));
  assert.ok(served.length >= 30);
  const sequence = served.map((i) => topicOf.get(i.videoId));
  for (let i = 0; i < sequence.length; i++) {
    for (let j = i + 1; j < Math.min(i + 10, sequence.length); j++) {
      if (sequence[i] !== undefined)
        assert.notEqual(sequence[j], sequence[i], `${served[i].videoId} and ${served[j].videoId} (${sequence[i]}) are ${j - i} apart`);
    }
  }
  assert.ok(
    sequence.some((t) => t !== undefined),
    'no sensitive video was served at all',
  );
  const notes = served.map((i) => i.explain.dispersal).filter(Boolean);
  assert.ok(notes.length > 0, 'explain=1 never showed the dispersal acting');
  assert.match(notes[0], /^placed instead of d\d+: (sensitive topic "\w+" already within the last 10 items|daily share of sensitive topics \(20 %\) reached)$/);
});

test('at most the daily share (20 %) of what a person is served in a day carries a sensitive topic', async () => {
  const served: any[] = [];
  for (let page = 0; page < 6; page++) served.push(...(await feedPage('daily', { n: 10 })));
  const sensitive = served.filter((i) => topicOf.has(i.videoId)).length;
  assert.ok(sensitive > 0);
  assert.ok(sensitive <= Math.ceil(0.2 * served.length), `${sensitive} of ${served.length} sensitive`);
});

test("a moderator can set a video's sensitive topics; the video shows them", async () => {
  const decided = clientFor(server, moderatorKey).POST('/v1/moderation/decisions', {
    body: {
      videoId: 'd70',
      action: 'label',
      category: 'self_harm',
      ground: 'incompatible',
      explanation: 'Extreme fitness advice.',
      label: 'sensitive',
      sensitiveTopics: ['Extreme_Fitness'],
    },
  });
  assert.equal((await reply(decided)).status, 200);
  assert.deepEqual((await reply(app.GET('/v1/videos/{id}', byId('d70')))).json.sensitiveTopics, ['extreme_fitness']);
  assert.deepEqual((await reply(app.GET('/v1/videos/{id}', byId('d0')))).json.sensitiveTopics, ['dieting']);
  // A string where the document asks for a list: only an unchecked request can send it.
  const bad = await sendUnchecked(server, appKey, 'POST', '/v1/videos', {
    json: { videos: [{ id: 'x', creatorId: 'c', durationMs: 1000, sensitiveTopics: 'dieting' }] },
  });
  assert.equal(bad.json.results[0].field, 'sensitiveTopics');
});
