import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { seededRandom } from '../../src/core/random.ts';
import { react } from '../../src/sim/behaviour.ts';
import { generateWorld, videoForApi } from '../../src/sim/world.ts';
import { tempDir } from '../support/fixtures.ts';

function moteur(...args: string[]) {
  return spawnSync(process.execPath, ['bin/moteur.js', ...args], { encoding: 'utf8' });
}

function writeLines(path: string, rows: string[]): void {
  writeFileSync(path, rows.join('\n') + '\n');
}

const world = generateWorld({ videos: 120, users: 8, seed: 5, now: 1_790_000_000_000 });

test('import stores the good rows of generated CSV and JSON Lines files and reports exactly the bad ones by line', async () => {
  const dir = tempDir();

  // Videos as CSV: header on line 1, one video per line, four bad rows slipped in at known lines.
  const videosCsv = join(dir, 'videos.csv');
  const header = 'id,creatorId,durationMs,createdAt,caption,hashtags,soundId,language,region,embedding';
  const rows = world.videos.map((v) =>
    [v.id, v.creatorId, v.durationMs, v.createdAt, `"${v.caption}, really"`, v.hashtags.join(';'), v.soundId, v.language, v.region, v.embedding.join(';')].join(
      ',',
    ),
  );
  const badVideos: [number, string, string][] = [
    [10, 'bad1,c1,abc,1790000000000,x,,s1,en,us,', 'durationMs: expected integer'],
    [20, 'bad2,c1,9000,1790000000000,x,,s1,en,us,0.5;0.5;0.5', 'embedding: must have exactly 32 numbers, got 3'],
    [30, 'bad3,c1,9000,1790000000000,"never closed,,s1,en,us,', 'a quoted field is not closed on this line'],
    [40, 'bad4,c1,9000,1790000000000,x,y,z,s1,en,us,', 'expected 10 fields as in the header, found 11'],
  ];
  for (const [line, row] of badVideos) rows.splice(line - 2, 0, row);
  writeLines(videosCsv, [header, ...rows]);

  // People as CSV, with their settings as flat columns; one has a setting that is not a boolean.
  const usersCsv = join(dir, 'users.csv');
  writeLines(usersCsv, [
    'id,region,language,personalized,keywordFilters',
    ...world.users.map((u, i) => `${u.id},us,en,${i === 0 ? 'false' : 'true'},${i === 1 ? 'spoilers;gore' : ''}`),
    'user-bad,us,en,maybe,',
  ]);

  // Events as JSON Lines from the behaviour model, with a duplicate and three bad lines at known places.
  const eventsJsonl = join(dir, 'events.jsonl');
  const random = seededRandom(11);
  const events: string[] = [];
  let id = 0;
  for (const user of world.users) {
    for (const video of world.videos.slice(0, 15)) {
      const reaction = react(world, user, video, new Set(), random);
      const base = { userId: user.id, videoId: video.id, ts: '2026-09-01T12:00:00Z' };
      events.push(JSON.stringify({ ...base, id: `e${++id}`, type: 'play', watchMs: reaction.watchMs }));
      for (const type of reaction.actions) events.push(JSON.stringify({ ...base, id: `e${++id}`, type }));
    }
  }
  const goodEvents = events.length;
  const badEvents: [number, string, string][] = [
    [5, '{"id": "broken"', 'not valid JSON'],
    [50, JSON.stringify({ id: 'x1', userId: 'user1', videoId: 'bad1', type: 'like', ts: 1 }), "videoId: video 'bad1' does not exist"],
    [90, JSON.stringify({ id: 'x2', userId: 'user1', videoId: 'video1', type: 'play', ts: 1 }), 'watchMs: is required for play events'],
  ];
  for (const [line, row] of badEvents) events.splice(line - 1, 0, row);
  events.push(events[0]!);
  writeLines(eventsJsonl, events);

  const data = join(dir, 'data');
  const run = moteur('import', '--data', data, '--videos', videosCsv, '--users', usersCsv, '--events', eventsJsonl, '--json');
  assert.equal(run.status, 0, run.stderr);
  const [v, u, e] = JSON.parse(run.stdout);

  assert.deepEqual([v.rows, v.stored, v.duplicates, v.rejected], [124, 120, 0, 4]);
  assert.deepEqual(
    v.rejections,
    badVideos.map(([line, , message]) => `${videosCsv}:${line}: ${message}`),
  );
  assert.deepEqual([u.rows, u.stored, u.rejected], [9, 8, 1]);
  assert.deepEqual(u.rejections, [`${usersCsv}:10: settings.personalized: expected boolean`]);
  assert.deepEqual([e.rows, e.stored, e.duplicates, e.rejected], [goodEvents + 4, goodEvents, 1, 3]);
  assert.equal(e.rejections.length, 3);
  badEvents.forEach(([line, , message], i) => assert.ok(e.rejections[i].startsWith(`${eventsJsonl}:${line}: ${message}`), e.rejections[i]));

  // What was stored survives closing: read it back through the engine.
  const reopened = await Moteur.open({ dataDir: data });
  try {
    assert.equal(reopened.catalog.size, 120);
    const original = videoForApi(world.videos[7]!);
    const stored = reopened.getVideo(original.id);
    const { embedding: storedEmbedding, status, ...storedFields } = stored;
    const { embedding: originalEmbedding, ...originalFields } = original;
    assert.equal(status, 'active');
    assert.deepEqual(storedFields, { ...originalFields, caption: `${original.caption}, really` });
    // Embeddings are kept as 32-bit floats.
    assert.deepEqual(
      storedEmbedding?.map((x) => x.toFixed(5)),
      originalEmbedding.map((x) => x.toFixed(5)),
    );
    assert.throws(() => reopened.getVideo('bad2'), /bad2/);
    assert.equal(reopened.getUser('user0').settings.personalized, false);
    assert.deepEqual(reopened.getUser('user1').settings.keywordFilters, ['spoilers', 'gore']);
    assert.equal(await reopened.log.count(), goodEvents);
  } finally {
    await reopened.close();
  }
});

test('import fails with a clear message, writing nothing, when a file is missing or is not a readable file', () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  const missing = moteur('import', '--data', data, '--events', join(dir, 'nope.csv'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.csv: no such file/);

  mkdirSync(join(dir, 'folder.jsonl'));
  const folder = moteur('import', '--data', data, '--videos', join(dir, 'folder.jsonl'));
  assert.equal(folder.status, 2);
  assert.match(folder.stderr, /folder\.jsonl: not a file/);

  writeFileSync(join(dir, 'videos.txt'), 'id\nv1\n');
  const unknown = moteur('import', '--data', data, '--videos', join(dir, 'videos.txt'));
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /videos\.txt: expected a \.csv or \.jsonl file/);

  assert.equal(moteur('import', '--data', data).status, 2, 'nothing to import is an error');
  assert.equal(existsSync(data), false, 'a failed import created the data directory');
});
