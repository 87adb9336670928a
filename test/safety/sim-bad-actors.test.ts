import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCENARIO } from '../../src/eval/sim/bad-actors.ts';
import { comparePolicies } from '../../src/eval/sim/evaluate.ts';

test('with bad actors, the engine serves minors no sensitive topic twice within 10 items, and the safety layer cuts harmful views', { timeout: 300_000 }, async () => {
  const scenario = { ...DEFAULT_SCENARIO, harmfulShare: 0.05, minorShare: 0.4 };
  const result = await comparePolicies({ days: 2, users: 80, videos: 400, seed: 3, badActors: scenario }, ['engine', 'engine-safety-off']);
  const [on, off] = result.policies.map((p) => p.safety!);
  assert.ok(on!.minorImpressions > 100, `only ${on!.minorImpressions} items served to minors`);
  assert.equal(on!.dispersalViolationsUnder18, 0);
  assert.ok(off!.dispersalViolationsUnder18 > 0, 'the check never saw a violation, even without the safety layer');
  assert.ok(on!.harmfulRemoved > 0, 'the simulated moderator removed nothing');
  assert.equal(off!.harmfulRemoved, 0);
  assert.ok(on!.harmfulViewsPer1000Impressions < 0.75 * off!.harmfulViewsPer1000Impressions, `${on!.harmfulViewsPer1000Impressions} vs ${off!.harmfulViewsPer1000Impressions}`);
});
