import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadActors, DEFAULT_SCENARIO } from '../../src/eval/sim/bad-actors.ts';
import { comparePolicies } from '../../src/eval/sim/evaluate.ts';
import { generateWorld, videoForApi } from '../../src/sim/world.ts';

test('with bad actors, the engine serves minors no sensitive topic twice within 10 items, and the safety layer cuts harmful views', {
  timeout: 300_000,
}, async () => {
  const scenario = { ...DEFAULT_SCENARIO, harmfulShare: 0.05, minorShare: 0.4 };
  const result = await comparePolicies({ days: 2, users: 80, videos: 400, seed: 3, badActors: scenario }, ['engine', 'engine-safety-off']);
  const [on, off] = result.policies.map((p) => p.safety!);
  assert.ok(on!.minorImpressions > 100, `only ${on!.minorImpressions} items served to minors`);
  assert.equal(on!.dispersalViolationsUnder18, 0);
  assert.ok(off!.dispersalViolationsUnder18 > 0, 'the check never saw a violation, even without the safety layer');
  assert.ok(on!.harmfulRemoved > 0, 'the simulated moderator removed nothing');
  assert.equal(off!.harmfulRemoved, 0);
  assert.ok(
    on!.harmfulViewsPer1000Impressions < 0.75 * off!.harmfulViewsPer1000Impressions,
    `${on!.harmfulViewsPer1000Impressions} vs ${off!.harmfulViewsPer1000Impressions}`,
  );
});

test("the simulator's bad actors: harm near its share, concentrated on a few creators, and nothing but content vectors for the engine to see", () => {
  const world = generateWorld({ videos: 4000, users: 1, seed: 7, now: 0 });
  const actors = new BadActors(DEFAULT_SCENARIO, 7);
  const sent = world.videos.map((v) => actors.upload(videoForApi(v)));
  const harmful = sent.filter((v) => actors.harmOfUploaded(v.id) !== undefined);
  assert.ok(Math.abs(harmful.length / sent.length - DEFAULT_SCENARIO.harmfulShare) < 0.008, `${harmful.length} harmful of ${sent.length}`);
  const perCreator = new Map<string, number>();
  for (const v of harmful) perCreator.set(v.creatorId, (perCreator.get(v.creatorId) ?? 0) + 1);
  assert.ok(
    [...perCreator.values()].some((n) => n >= 3),
    'no creator posts harm again and again',
  );
  // What the engine is sent: the API's fields (and a sensitive topic), never a word about harm.
  const allowed = new Set([...Object.keys(videoForApi(world.videos[0]!)), 'sensitiveTopics']);
  for (const v of sent) for (const key of Object.keys(v)) assert.ok(allowed.has(key), `the upload carries ${key}`);
  // Harmful videos lean to their kind's look; with no resemblance they look like any other video.
  const plain = new BadActors({ ...DEFAULT_SCENARIO, harmResemblance: 0 }, 7);
  const same = world.videos.map((v) => plain.upload(videoForApi(v)));
  assert.ok(same.every((v, i) => v.embedding.every((x, d) => Math.abs(x - world.videos[i]!.embedding[d]!) < 1e-4)));
  const moved = harmful.filter((v) => v.embedding.some((x, d) => Math.abs(x - world.videos[Number(v.id.slice(5))]!.embedding[d]!) > 1e-3));
  assert.equal(moved.length, harmful.length);
});
