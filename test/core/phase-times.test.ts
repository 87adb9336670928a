import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhaseTimes } from '../../src/core/phase-times.ts';
import { Moteur } from '../../src/app/moteur.ts';
import { tempDir } from '../support/fixtures.ts';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

test('phase times: wall and CPU time; a phase timed again adds up, phases keep the order they first ran, an error still counts', async () => {
  const phases = new PhaseTimes();
  assert.equal(
    phases.time('read', () => (busy(20), 'bytes')),
    'bytes',
  );
  await phases.timeAsync('decode', async () => busy(10));
  phases.time('read', () => busy(20));
  assert.throws(
    () =>
      phases.time('graphs', () => {
        busy(5);
        throw new Error('damaged');
      }),
    /damaged/,
  );
  const list = phases.list();
  assert.deepEqual(
    list.map((p) => p.phase),
    ['read', 'decode', 'graphs'],
  );
  assert.ok(list[0]!.ms >= 40, `read adds both runs: ${list[0]!.ms} ms`);
  assert.ok(list[1]!.ms >= 10 && list[2]!.ms >= 5);
  assert.ok(list.every((p) => Number.isInteger(p.cpuMs) && p.cpuMs >= 0) && list[0]!.cpuMs > 0, `a busy wait spends CPU: ${JSON.stringify(list)}`);
  assert.match(String(phases), /^\d+\.\d s: read \d+\.\d s, decode \d+\.\d s, graphs \d+\.\d s$/);
});

test('an engine names the phases of its start, the snapshot ones once there is a snapshot', async () => {
  const dataDir = tempDir();
  let moteur = await Moteur.open({ dataDir });
  const first = moteur.startPhases.list().map((p) => p.phase);
  for (const phase of ['open stores', 'read people', 'read videos', 'catalog', 'learners: videos', 'replay log', 'popular lists'])
    assert.ok(first.includes(phase), `no ${phase} in ${first}`);
  assert.ok(!first.includes('decode snapshot'), 'a first start has no snapshot to decode');
  await moteur.upsertVideos([{ id: 'v1', creatorId: 'c1', durationMs: 10_000 }]);
  await moteur.ingest([{ id: 'e1', userId: 'u1', videoId: 'v1', type: 'like', ts: Date.now() }]);
  await moteur.close();
  moteur = await Moteur.open({ dataDir });
  const again = moteur.startPhases.list().map((p) => p.phase);
  assert.ok(again.includes('read snapshot') && again.includes('decode snapshot'), `no snapshot phases in ${again}`);
  await moteur.close();
});
