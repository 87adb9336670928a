/**
 * Pins what the engine serves for one fixed state: the same catalog, events and clock must give the same pages
 * (videos, sources, order, scores) and the same explanations under each pipeline, so a change to how the
 * pipelines are put together that alters what people are served fails here. Only a change meant to alter feeds
 * may write the expected file again: PIN_FEEDS=write node scripts/run-tests.mjs served-feeds-pinned
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import type { FeedAnswer, FeedOptions } from '../../src/app/moteur.ts';
import type { FeedPolicy } from '../../src/app/config.ts';
import { seededRandom } from '../../src/core/random.ts';
import { tempDir } from '../support/fixtures.ts';

const EXPECTED = new URL('./served-feeds-pinned.json', import.meta.url);
const DIM = 8;
const START = Date.UTC(2026, 0, 5, 12);
const SERVED_AT = START + 3_600_000;
const TYPES = ['play', 'play', 'play', 'like', 'share', 'skip', 'comment', 'follow', 'not_interested'] as const;

/**
 * 400 videos over 6 topics (a topic shares a hashtag and a direction of its embedding), one in 7 with a sensitive
 * topic, and 30 people's events.
 */
async function seededEngine(policy: FeedPolicy): Promise<Moteur> {
  const dataDir = tempDir();
  const random = seededRandom(19);
  let moteur = await Moteur.open({ dataDir, embeddingDim: DIM, feed: { policy } });
  await moteur.upsertVideos(
    Array.from({ length: 400 }, (_, i) => ({
      id: `v${i}`,
      creatorId: `c${i % 41}`,
      durationMs: 10_000 + (i % 9) * 4_000,
      soundId: i % 5 === 0 ? '' : `s${i % 17}`,
      hashtags: [`topic${i % 6}`, ...(i % 4 === 0 ? ['funny'] : [])],
      caption: `video ${i}`,
      createdAt: START - (400 - i) * 60_000,
      ...(i % 7 === 0 ? { sensitiveTopics: [i % 2 === 0 ? 'diet' : 'gambling'] } : {}),
      region: i % 10 === 0 ? 'fr' : 'global',
      embedding: Array.from({ length: DIM }, (_, d) => (d === i % 6 ? 1 : 0) + 0.3 * random()),
    })),
  );
  const events = [];
  for (let k = 0; k < 1500; k++) {
    const person = Math.floor(random() ** 2 * 30);
    // Each person leans to one topic, so the learned sources have something to find.
    const video = random() < 0.7 ? (person % 6) + 6 * Math.floor(random() * 66) : Math.floor(random() * 400);
    const type = TYPES[Math.floor(random() * TYPES.length)]!;
    const extra = type === 'play' ? { watchMs: Math.floor(random() * 40_000) } : {};
    events.push({ id: `e${k}`, userId: `p${person}`, videoId: `v${video}`, type, ts: START + k * 1000, ...extra });
  }
  for (let at = 0; at < events.length; at += 500) await moteur.ingest(events.slice(at, at + 500));
  await moteur.putUser('private', { settings: { personalized: false } });
  // Served as after a restart: the popular lists and the item graph built from the whole state.
  await moteur.close();
  moteur = await Moteur.open({ dataDir, embeddingDim: DIM, feed: { policy } });
  await moteur.learning.settled();
  return moteur;
}

/** What a page served: each item's video, source and score, and with explanations what lies behind it. */
function served(answer: FeedAnswer): string[] {
  return answer.items.map((item) => {
    const line = `${item.videoId} ${item.source} ${item.score}`;
    if (item.explain === undefined) return line;
    const top = item.explain.topSignals?.map((s) => s.signal).join(',') ?? '';
    return `${line} | ${top} ${item.explain.dispersal ?? ''}`.trimEnd();
  });
}

async function pagesOf(policy: FeedPolicy): Promise<Record<string, string[]>> {
  const moteur = await seededEngine(policy);
  const pages: Record<string, string[]> = {};
  const page = async (name: string, userId: string, options: FeedOptions) => {
    pages[name] = served(await moteur.feed(userId, { n: 10, sessionId: 'pinned', at: SERVED_AT, ...options }));
  };
  for (const userId of ['p0', 'p1', 'p2', 'p7', 'p13', 'p29', 'newcomer', 'private']) {
    await page(`${userId} first`, userId, {});
    await page(`${userId} second`, userId, { n: 15 });
    await page(`${userId} explained`, userId, { explain: true });
  }
  await page('p3 funny tab', 'p3', { filters: { hashtags: ['funny'] } });
  await page('p4 one creator', 'p4', { n: 20, filters: { creatorId: 'c5' } });
  await moteur.close();
  return pages;
}

test('the same state is served the same feeds, under each pipeline', async () => {
  const actual: Record<string, Record<string, string[]>> = {};
  for (const policy of ['for-you', 'random', 'popular'] as const) actual[policy] = await pagesOf(policy);
  if (process.env.PIN_FEEDS === 'write') writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 1)}\n`);
  const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as typeof actual;
  for (const policy of Object.keys(expected)) {
    for (const [name, items] of Object.entries(expected[policy]!)) assert.deepEqual(actual[policy]![name], items, `${policy}: ${name}`);
  }
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
  // The pinned state exercises what it is meant to: several sources, explanations, short narrowed pages.
  const forYou = Object.values(actual['for-you']!).flat();
  const sources = new Set(forYou.map((line) => line.split(' ')[1]));
  for (const source of ['followed', 'item-graph', 'embedding', 'explore', 'trending'])
    assert.ok(sources.has(source), `no item from ${source}: ${[...sources].join(' ')}`);
  assert.ok(actual['for-you']!['p4 one creator']!.length < 20, 'the one-creator page was meant to come out short');
});
