import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfigOverrides, readConfigOverrides } from '../../src/eval/sim/config-overrides.ts';
import { resolveConfig } from '../../src/app/config.ts';
import { MoteurError } from '../../src/core/errors.ts';
import { tempDir } from '../support/fixtures.ts';

function rejects(raw: unknown, field: string, message: RegExp): void {
  assert.throws(
    () => parseConfigOverrides(raw, 'x.json'),
    (err: unknown) => err instanceof MoteurError && err.code === 'invalid_config' && err.field === field && message.test(err.message),
    `${JSON.stringify(raw)} should be rejected on ${field}`,
  );
}

test('configuration overrides are settings of the engine with the default’s type', () => {
  const overrides = parseConfigOverrides({ region: 'fr', feed: { exploreShare: 0.3, policy: 'popular' } }, 'x.json');
  const config = resolveConfig(overrides);
  assert.equal(config.region, 'fr');
  assert.equal(config.feed.exploreShare, 0.3);
  assert.equal(config.feed.policy, 'popular');
  assert.equal(config.feed.guaranteedAudience, resolveConfig().feed.guaranteedAudience, 'the other settings keep their defaults');
  // A nested setting left partly out keeps the defaults of the rest, rather than being replaced whole.
  const weights = parseConfigOverrides({ feed: { scoreWeights: { like: 2 } }, learning: { snapshotPath: '/tmp/s.bin' } }, 'x.json');
  assert.deepEqual(weights, { feed: { scoreWeights: { ...resolveConfig().feed.scoreWeights, like: 2 } }, learning: { snapshotPath: '/tmp/s.bin' } });
  assert.equal(resolveConfig(weights).feed.scoreWeights.watch, resolveConfig().feed.scoreWeights.watch);

  rejects([], '(top level)', /must be a JSON object/);
  rejects({ feed: { exploreShar: 0.3 } }, 'feed.exploreShar', /x\.json: feed\.exploreShar: is not a setting; expected one of policy, defaultPageSize/);
  rejects({ colour: 'red' }, 'colour', /is not a setting/);
  rejects({ feed: { exploreShare: '0.3' } }, 'feed.exploreShare', /must be a number, got "0\.3"/);
  rejects({ feed: 3 }, 'feed', /must be a JSON object/);
  rejects({ embeddingDim: null }, 'embeddingDim', /must be a number, got null/);
  rejects({ feed: { scoreWeights: { watch: 'a lot' } } }, 'feed.scoreWeights.watch', /must be a number/);
  rejects({ learning: { snapshotPath: 3 } }, 'learning.snapshotPath', /must be a string, got 3/);
  rejects({ feed: { policy: 'best' } }, 'feed.policy', /must be one of for-you, random, popular, got "best"/);
});

test('a configuration file that cannot be read or parsed is named in the error', () => {
  const dir = tempDir();
  assert.throws(() => readConfigOverrides(join(dir, 'missing.json')), /cannot read the configuration file .*missing\.json/);
  writeFileSync(join(dir, 'broken.json'), '{"feed":');
  assert.throws(() => readConfigOverrides(join(dir, 'broken.json')), /broken\.json is not valid JSON/);
  writeFileSync(join(dir, 'ok.json'), '{"feed":{"guaranteedAudience":20}}');
  assert.deepEqual(readConfigOverrides(join(dir, 'ok.json')), { feed: { guaranteedAudience: 20 } });
});
