/**
 * The simulator's A/B variants (`moteur eval sim --ab A,B`) are configuration files read by the one reader of
 * `--config` (src/app/config-file.ts): flat keys, JSON or TOML, the same checks and messages.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readConfigOverrides } from '../../src/app/config-file.ts';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/app/config.ts';
import { MoteurError } from '../../src/core/errors.ts';
import { tempDir } from '../support/fixtures.ts';

const dir = tempDir();
function variant(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('a variant is a flat key set: each key lands in its section of the engine, the others at their defaults', () => {
  const overrides = readConfigOverrides(
    variant('b.json', JSON.stringify({ region: 'fr', exploreShare: 0.3, policy: 'popular', scoreWeights: { like: 2 }, learningRate: 0.02 })),
  );
  const config = resolveConfig(overrides);
  assert.equal(config.region, 'fr');
  assert.equal(config.feed.exploreShare, 0.3);
  assert.equal(config.feed.policy, 'popular');
  assert.equal(config.learning.learningRate, 0.02);
  // A table left partly out keeps the defaults of the rest, rather than being replaced whole.
  assert.deepEqual(config.feed.scoreWeights, { ...DEFAULT_CONFIG.feed.scoreWeights, like: 2 });
  assert.equal(config.feed.guaranteedAudience, DEFAULT_CONFIG.feed.guaranteedAudience);
  assert.deepEqual(readConfigOverrides(variant('control.json', '{}')), { feed: {}, learning: {}, safety: {} });
  assert.deepEqual(
    readConfigOverrides(variant('b.toml', 'exploreShare = 0.3\npolicy = "popular"\nscoreWeights = { like = 2 }\nlearningRate = 0.02\nregion = "fr"\n')),
    overrides,
  );
});

test('a mistake in a variant is named as in any configuration file, "did you mean" included', () => {
  const rejects = (text: string, field: string, message: RegExp) =>
    assert.throws(
      () => readConfigOverrides(variant('typo.json', text)),
      (err: unknown) => err instanceof MoteurError && err.code === 'invalid_config' && err.field === field && message.test(err.message),
      `${text} should be rejected on ${field}`,
    );
  rejects('{"exploreShar": 0.3}', 'exploreShar', /typo\.json: exploreShar: is not a setting here; did you mean exploreShare\?/);
  // The simulator's former nested sections are refused: one schema.
  rejects('{"feed": {"exploreShare": 0.3}}', 'feed', /typo\.json: feed: is not a setting here/);
  rejects('{"exploreShare": "0.3"}', 'exploreShare', /must be a number from 0 to 1, got "0\.3"/);
  rejects('{"policy": "best"}', 'policy', /must be one of for-you, random, popular, got "best"/);
  rejects('[]', '(top level)', /must be a table of settings/);
  assert.throws(() => readConfigOverrides(join(dir, 'missing.json')), /cannot read the configuration file .*missing\.json/);
  assert.throws(() => readConfigOverrides(variant('broken.json', '{"exploreShare":')), /broken\.json is not valid JSON/);
});
