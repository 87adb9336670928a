/**
 * The figure `moteur eval tiktok` gives the engine is the one a client measures: the same split replayed over HTTP
 * into `moteur serve` as the data README describes, waiting for /health to say every event is learned, then each
 * reported person's feed, gives the same Recall@20.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateTiktok, isTuningPerson } from '../../src/eval/protocols/tiktok.ts';
import { startServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply } from '../support/client.ts';
import { apiKey, tempDir } from '../support/fixtures.ts';
import { until } from '../support/until.ts';
import { writeTiktokDir } from './data.ts';

const rows = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number) as [number, number]);

test('a client replaying the TikTok split over HTTP measures the engine row of moteur eval tiktok', async () => {
  const dir = tempDir();
  writeTiktokDir(dir);
  const evaluated = await evaluateTiktok({ dataDir: dir, easeLambdas: [10], seed: 1, engineOnly: true, servedVariants: [{ name: 'engine', config: {} }] });

  const dataDir = tempDir();
  const key = apiKey(dataDir, 'app', ['us']);
  const server = await startServer({ dataDir, port: 0, regions: ['us'] });
  try {
    const moteur = clientFor(server, key);
    const stored = async (call: Parameters<typeof reply>[0]) => {
      const res = await reply(call);
      assert.equal(res.status, 200, JSON.stringify(res.json));
    };
    const catalog = readFileSync(join(dir, 'replay', 'videos.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    await stored(moteur.POST('/v1/videos', { body: { videos: catalog } }));
    const train = rows(join(dir, 'train.csv'));
    const start = Date.now();
    const events = train.map(([user, item], k) => ({
      id: `t${k}`,
      userId: `u${user}`,
      videoId: `v${item}`,
      type: 'play',
      watchMs: 15000,
      ts: start - (train.length - k) * 1000,
    }));
    for (let k = 0; k < events.length; k += 1000) await stored(moteur.POST('/v1/events', { body: { events: events.slice(k, k + 1000) } }));
    await until('every event learned', 30_000, async () => {
      const health = await answer(moteur.GET('/health'));
      return health.learning.settled ? true : undefined;
    });

    const heldOut = new Map<number, Set<number>>();
    for (const [user, item] of rows(join(dir, 'val.csv'))) if (!isTuningPerson(user)) (heldOut.get(user) ?? heldOut.set(user, new Set()).get(user)!).add(item);
    let recall = 0;
    for (const user of [...heldOut.keys()].sort((a, b) => a - b)) {
      const page = (await answer(moteur.GET('/v1/users/{id}/feed', byId(`u${user}`, { n: 20 })))).items.map((i) => Number(i.videoId.slice(1)));
      const items = heldOut.get(user)!;
      recall += page.filter((item) => items.has(item)).length / items.size;
    }
    recall /= heldOut.size;
    assert.equal(heldOut.size, evaluated.users);
    const engine = evaluated.models['engine']!.metrics['recall@20']!;
    assert.ok(Math.abs(recall - engine) <= 0.02, `over HTTP ${recall}, moteur eval ${engine}`);
    assert.ok(engine > 0.3, `the engine's recall ${engine} is too low for the comparison to mean anything`);
  } finally {
    await server.close();
  }
});
