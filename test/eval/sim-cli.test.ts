import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../support/fixtures.ts';
import { runMoteur } from '../support/cli.ts';
import { DEFAULT_SCENARIO } from '../../src/eval/sim/bad-actors.ts';

const tiny = ['--days', '2', '--users', '30', '--videos', '300'];

test('moteur eval sim --json prints one JSON object and --report writes a page with a chart per metric over the days', { timeout: 90_000 }, async () => {
  const report = join(tempDir(), 'sim.html');
  const run = await runMoteur(['eval', 'sim', ...tiny, '--policies', 'random,engine', '--json', '--report', report]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.kind, 'policies');
  assert.deepEqual(result.parameters, { days: 2, users: 30, videos: 300, seed: 1, badActors: DEFAULT_SCENARIO });
  assert.deepEqual(
    result.policies.map((p: { name: string }) => p.name),
    ['random', 'engine'],
  );
  for (const p of result.policies) {
    assert.equal(p.byDay.length, 2);
    for (const key of [
      'watchMinutesPerSession',
      'likesPer100Impressions',
      'newCreatorShare',
      'newVideoShare',
      'intraSessionDiversity',
      'meanAffinity',
      'retention',
    ]) {
      assert.equal(typeof p.overall[key], 'number', `${p.name}.${key}`);
    }
    assert.equal(p.convergence.bySession[0].session, 1);
    assert.equal(typeof p.safety.harmfulViewsPer1000Impressions, 'number', `${p.name}: safety figures`);
  }
  const html = readFileSync(report, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.equal(html.match(/<svg /g)?.length, 7 + 2, 'seven metrics over the days and two convergence charts');
  assert.match(html, /likes per 100 impressions, by day/);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'self-contained');
});

test('moteur eval sim --ab reports each difference with its interval and a verdict', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'control.json'), '{}');
  writeFileSync(join(dir, 'more-explore.toml'), 'exploreShare = 0.5\n');
  const run = await runMoteur([
    'eval',
    'sim',
    ...tiny,
    '--users',
    '40',
    '--resamples',
    '200',
    '--ab',
    `${join(dir, 'control.json')},${join(dir, 'more-explore.toml')}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /A = control, B = more-explore/);
  assert.match(run.stdout, /likesPer100Impressions\s+-?[\d.e-]+\s+-?[\d.e-]+\s+-?[\d.e-]+\s+(A is better|B is better|no significant difference)/);
});

test('moteur eval sim rejects bad arguments with a message saying what is wrong, before simulating anything', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const good = join(dir, 'good.json');
  writeFileSync(good, '{"exploreShare":0.3}');
  writeFileSync(join(dir, 'typo.json'), '{"exploreShar":0.3}');
  const report = join(dir, 'never.html');
  // The configuration files themselves are checked in test/eval/ab-variant-files.test.ts.
  const cases: [string[], RegExp][] = [
    [['--days', '0'], /option '--days <n>' argument '0' is invalid\. expected a positive integer/],
    [['--policies', 'engine,best'], /expected policies among random, popular, engine, engine-unpersonalized.*unknown: best/],
    [['--ab', good], /expected two configuration files separated by a comma/],
    [['--ab', `${good},${join(dir, 'typo.json')}`], /typo\.json: exploreShar: is not a setting here; did you mean exploreShare\?/],
    [['--ab', `${good},${good}`, '--policies', 'engine'], /--ab and --policies cannot be used together/],
  ];
  for (const [args, message] of cases) {
    const run = await runMoteur(['eval', 'sim', '--report', report, ...args]);
    assert.notEqual(run.code, 0, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
    assert.equal(run.stdout, '', args.join(' '));
  }
  assert.equal(existsSync(report), false, 'nothing was written');
});
