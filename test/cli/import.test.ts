import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { tempDir } from '../support/fixtures.ts';

function moteur(...args: string[]) {
  return spawnSync(process.execPath, ['bin/moteur.js', ...args], { encoding: 'utf8' });
}

test('import stores the good rows of CSV and JSON Lines files and reports each bad row by file and line', async () => {
  const dir = tempDir();
  const videos = join(dir, 'videos.csv');
  writeFileSync(
    videos,
    [
      'id,creatorId,durationMs,caption,hashtags,soundId',
      'v1,c1,15000,"hello, world",cats;dogs,s1',
      'v2,c2,abc,bad duration,,s2',
      'v3,c3,20000,fine,,s3',
      'v4,c4,12000,"unterminated,,s4',
      'v5,c5,9000,too,many,fields,here',
    ].join('\n'),
  );
  const users = join(dir, 'users.jsonl');
  writeFileSync(users, ['{"id":"u1","region":"eu","settings":{"keywordFilters":["gore"]}}', '{"region":"us"}'].join('\n'));
  const events = join(dir, 'events.jsonl');
  const event = (id: string, videoId: string) => JSON.stringify({ id, userId: 'u1', videoId, type: 'play', ts: '2026-01-01T00:00:00Z', watchMs: 1000 });
  writeFileSync(events, [event('e1', 'v1'), event('e1', 'v1'), 'not json', event('e2', 'v2'), event('e3', 'v3')].join('\n'));

  const data = join(dir, 'data');
  const run = moteur('import', '--data', data, '--videos', videos, '--users', users, '--events', events, '--json');
  assert.equal(run.status, 0, run.stderr);
  const [v, u, e] = JSON.parse(run.stdout);
  assert.deepEqual([v.rows, v.stored, v.rejected], [5, 2, 3]);
  assert.deepEqual(
    v.rejections.map((r: string) => r.replace(videos, 'F')),
    ['F:3: durationMs: expected integer', 'F:5: a quoted field is not closed on this line', 'F:6: expected 6 fields as in the header, found 7'],
  );
  assert.deepEqual([u.stored, u.rejected], [1, 1]);
  assert.match(u.rejections[0], /users\.jsonl:2: id: is required/);
  assert.deepEqual([e.rows, e.stored, e.duplicates, e.rejected], [5, 2, 1, 2]);
  assert.match(e.rejections[0], /events\.jsonl:3: not valid JSON/);
  assert.match(e.rejections[1], /events\.jsonl:4: videoId: video 'v2' does not exist/);

  const reopened = await Moteur.open({ dataDir: data });
  assert.deepEqual(reopened.getVideo('v1').hashtags, ['cats', 'dogs']);
  assert.equal(reopened.getVideo('v1').caption, 'hello, world');
  assert.deepEqual(reopened.getUser('u1').settings.keywordFilters, ['gore']);
  assert.equal(await reopened.log.count(), 2);
  await reopened.close();
});

test('import fails with a clear message, writing nothing, when a file is missing', () => {
  const dir = tempDir();
  const run = moteur('import', '--data', join(dir, 'data'), '--events', join(dir, 'nope.csv'));
  assert.equal(run.status, 2);
  assert.match(run.stderr, /nope\.csv: no such file/);
  assert.equal(moteur('import', '--data', join(dir, 'data')).status, 2);
});
