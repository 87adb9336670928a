import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { engineOverrides, readSettingsFile, serverSettings } from '../../src/app/config-file.ts';
import { checkSettings, effectiveValues } from '../../src/app/config-schema.ts';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/app/config.ts';
import { MoteurError } from '../../src/core/errors.ts';
import { tempDir } from '../support/fixtures.ts';

function rejects(raw: unknown, field: string, message: RegExp): void {
  assert.throws(
    () => checkSettings(raw, 'x.json'),
    (err: unknown) => err instanceof MoteurError && err.code === 'invalid_config' && err.field === field && message.test(err.message),
    `${JSON.stringify(raw)} should be rejected on ${field}`,
  );
}

test('a file holding only embeddingDim is a whole configuration: that key set, every other one at its default', () => {
  const settings = checkSettings({ embeddingDim: 256 }, 'x.json');
  const config = resolveConfig(engineOverrides(settings));
  assert.equal(config.embeddingDim, 256);
  assert.deepEqual({ ...config, embeddingDim: 32 }, DEFAULT_CONFIG);
  assert.deepEqual(
    serverSettings(settings),
    { dataDir: '.moteur/data', host: '127.0.0.1', port: 8080, regions: undefined },
    'the default host is the loopback',
  );
});

test('flat keys land in their section; a table left partly out keeps the defaults of its other keys', () => {
  const settings = checkSettings(
    {
      exploreShare: 0.3,
      policy: 'popular',
      scoreWeights: { like: 2 },
      sources: { trending: 0 },
      learningRate: 0.02,
      snapshotEveryMs: 60_000,
      port: 9000,
      regions: ['eu', 'us'],
    },
    'x.json',
  );
  const config = resolveConfig(engineOverrides(settings));
  assert.equal(config.feed.exploreShare, 0.3);
  assert.equal(config.feed.policy, 'popular');
  assert.deepEqual(config.feed.scoreWeights, { ...DEFAULT_CONFIG.feed.scoreWeights, like: 2 });
  assert.deepEqual(config.feed.sources, { ...DEFAULT_CONFIG.feed.sources, trending: 0 });
  assert.equal(config.learning.learningRate, 0.02);
  assert.equal(config.learning.snapshotEveryMs, 60_000);
  assert.equal(config.feed.guaranteedAudience, DEFAULT_CONFIG.feed.guaranteedAudience);
  assert.deepEqual(serverSettings(settings), { dataDir: '.moteur/data', host: '127.0.0.1', port: 9000, regions: ['eu', 'us'] });
  const effective = effectiveValues(settings);
  assert.equal(effective.exploreShare, 0.3);
  assert.equal(effective.diversity, DEFAULT_CONFIG.feed.diversity);
});

test('a mistake names the key and what it allows', () => {
  rejects([], '(top level)', /must be a table of settings/);
  rejects({ exploreShar: 0.3 }, 'exploreShar', /x\.json: exploreShar: is not a setting here; did you mean exploreShare\?/);
  rejects({ feed: { exploreShare: 0.3 } }, 'feed', /is not a setting here/);
  rejects({ embeddingDim: 4 }, 'embeddingDim', /must be an integer from 8 to 2048, got 4/);
  rejects({ embeddingDim: 4096 }, 'embeddingDim', /must be an integer from 8 to 2048, got 4096/);
  rejects({ embeddingDim: '256' }, 'embeddingDim', /must be an integer from 8 to 2048, got "256"/);
  rejects({ exploreShare: 1.5 }, 'exploreShare', /must be a number from 0 to 1, got 1\.5/);
  rejects({ policy: 'best' }, 'policy', /must be one of for-you, random, popular, got "best"/);
  rejects({ scoreWeights: { watch: 'a lot' } }, 'scoreWeights.watch', /must be a number/);
  rejects({ scoreWeights: { views: 1 } }, 'scoreWeights.views', /is not one of watch, like, share, comment, follow, skip/);
  rejects({ sources: { trending: -1 } }, 'sources.trending', /must be a number from 0/);
  rejects({ port: 70000 }, 'port', /must be an integer from 0 to 65535/);
  rejects({ regions: 'eu' }, 'regions', /must be a non-empty list of region names/);
  rejects({ regions: ['EU!'] }, 'regions[0]', /must be a region name/);
  rejects({ defaultPageSize: 40, maxPageSize: 20 }, 'defaultPageSize', /must be at most maxPageSize \(20\)/);
  rejects({ experiments: { explore: { control: {} } } }, 'experiments.explore', /two or more variants/);
  rejects(
    { experiments: { explore: { control: {}, more: { embeddingDim: 64 } } } },
    'experiments.explore.more.embeddingDim',
    /is not a setting here; .*allowed: policy, sources, exploreShare/,
  );
  rejects({ experiments: { explore: { control: {}, more: { exploreShare: 2 } } } }, 'experiments.explore.more.exploreShare', /must be a number from 0 to 1/);
});

test('experiments are named variants of feed settings', () => {
  const settings = checkSettings({ experiments: { explore: { control: {}, more: { exploreShare: 0.4, scoreWeights: { like: 3 } } } } }, 'x.json');
  assert.deepEqual(settings.experiments, [
    {
      name: 'explore',
      variants: [
        { name: 'control', feed: {} },
        { name: 'more', feed: { exploreShare: 0.4, scoreWeights: { ...DEFAULT_CONFIG.feed.scoreWeights, like: 3 } } },
      ],
    },
  ]);
  assert.deepEqual(resolveConfig(engineOverrides(settings)).experiments, settings.experiments);
});

test('TOML and JSON files say the same; a file that cannot be read or parsed is named in the error', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'a.toml'),
    '# comment\nembeddingDim = 384\nscoreWeights = { like = 2 }\n[experiments.explore]\ncontrol = {}\nmore = { exploreShare = 0.4 }\n',
  );
  writeFileSync(
    join(dir, 'a.json'),
    JSON.stringify({ embeddingDim: 384, scoreWeights: { like: 2 }, experiments: { explore: { control: {}, more: { exploreShare: 0.4 } } } }),
  );
  assert.deepEqual(readSettingsFile(join(dir, 'a.toml')), readSettingsFile(join(dir, 'a.json')));
  assert.throws(() => readSettingsFile(join(dir, 'missing.json')), /cannot read the configuration file .*missing\.json/);
  writeFileSync(join(dir, 'broken.json'), '{"exploreShare":');
  assert.throws(() => readSettingsFile(join(dir, 'broken.json')), /broken\.json is not valid JSON/);
  writeFileSync(join(dir, 'broken.toml'), 'exploreShare = = 1');
  assert.throws(() => readSettingsFile(join(dir, 'broken.toml')), /broken\.toml is not valid TOML/);
  writeFileSync(join(dir, 'typo.toml'), 'exploreShar = 0.3');
  assert.throws(() => readSettingsFile(join(dir, 'typo.toml')), /typo\.toml: exploreShar: is not a setting here; did you mean exploreShare\?/);
});

test('the safety settings are tables of the safety defaults: a key left out keeps its default, a wrong one is named', () => {
  const settings = checkSettings(
    { freeze: { minReports: 5 }, minors: { unknownAgeBand: '13-15', nonPersonalisedUnder16: false }, integrity: { lateMs: 0 } },
    'x.json',
  );
  const { safety } = resolveConfig(engineOverrides(settings));
  assert.deepEqual(safety.freeze, { ...DEFAULT_CONFIG.safety.freeze, minReports: 5 });
  assert.deepEqual(safety.minors, { ...DEFAULT_CONFIG.safety.minors, unknownAgeBand: '13-15', nonPersonalisedUnder16: false });
  assert.deepEqual(safety.integrity, { ...DEFAULT_CONFIG.safety.integrity, lateMs: 0 });
  assert.deepEqual(safety.dispersal, DEFAULT_CONFIG.safety.dispersal);
  assert.deepEqual(effectiveValues(settings).prior, DEFAULT_CONFIG.safety.prior);

  rejects({ minors: { unknownAgeBand: '12' } }, 'minors.unknownAgeBand', /must be one of 13-15, 16-17, 18\+, got "12"/);
  rejects({ freeze: { minReport: 2 } }, 'freeze.minReport', /did you mean minReports\?/);
  rejects({ prior: { enabled: 'yes' } }, 'prior.enabled', /must be true or false, got "yes"/);
  rejects({ dispersal: { dailyShare: 2 } }, 'dispersal.dailyShare', /from 0 to 1, got 2/);
  rejects({ integrity: 3 }, 'integrity', /must be a table with keys among newAccountMs, /);
});
