import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../support/fixtures.ts';
import { writeKuaiRecDir, writeMovieLensDir, writeTiktokDir } from './data.ts';

function moteur(...args: string[]) {
  return spawnSync(process.execPath, ['bin/moteur.js', 'eval', ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('a missing data folder or file fails with its path and a non-zero exit code', () => {
  const dir = tempDir();
  const missing = moteur('tiktok', '--data', join(dir, 'nowhere'), '--json');
  assert.notEqual(missing.status, 0);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, new RegExp(`data file not found: ${join(dir, 'nowhere', 'train.csv')}`));
  const kuairec = moteur('kuairec', '--data', dir, '--residue', '0');
  assert.notEqual(kuairec.status, 0);
  assert.match(kuairec.stderr, /small_matrix_subset\.csv/);
  const ml = moteur('ml100k', '--data', dir);
  assert.notEqual(ml.status, 0);
  assert.match(ml.stderr, /ml-100k\.inter/);
  const test = moteur('tiktok', '--data', dir, '--test', join(dir, 'test.csv'));
  assert.notEqual(test.status, 0);
});

test('a malformed row is reported with its file and line', () => {
  const dir = tempDir();
  writeTiktokDir(dir);
  writeFileSync(join(dir, 'val.csv'), 'user,item\n0,1\n3;4\n');
  const result = moteur('tiktok', '--data', dir, '--json');
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, new RegExp(`${join(dir, 'val.csv')}:3: column item is empty`));
});

test('bad option values are refused before any work', () => {
  const dir = tempDir();
  const residue = moteur('kuairec', '--data', dir, '--residue', '7');
  assert.notEqual(residue.status, 0);
  assert.match(residue.stderr, /expected a residue from 0 to 4, or "all"/);
  const lambdas = moteur('tiktok', '--data', dir, '--ease-lambdas', '10,-1');
  assert.notEqual(lambdas.status, 0);
  assert.match(lambdas.stderr, /expected positive numbers/);
});

test('--json prints one object; --report and --png write the page and one PNG per chart', () => {
  const dir = tempDir();
  writeKuaiRecDir(join(dir, 'kuairec'));
  const report = join(dir, 'out', 'kuairec.html');
  const pngs = join(dir, 'png');
  const result = moteur('kuairec', '--data', join(dir, 'kuairec'), '--residue', '1', '--ease-lambdas', '50', '--json', '--report', report, '--png', pngs);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const json = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(json['residues'], [1]);
  for (const key of ['ndcg@10', 'userAuc', 'rows']) assert.equal(typeof json[key], 'number');
  assert.equal(json['servedPath'], true);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /<svg/);
  assert.match(html, /video mean/);
  for (const chart of ['kuairec-ndcg-by-k', 'kuairec-r1-ndcg10-per-user', 'kuairec-r1-userauc-per-user'])
    assert.ok(existsSync(join(pngs, `${chart}.png`)), chart);
});

test('tiktok without --json prints a table with the served engine and every baseline, each figure with its interval', () => {
  const dir = tempDir();
  writeTiktokDir(dir);
  const result = moteur('tiktok', '--data', dir, '--ease-lambdas', '10');
  assert.equal(result.status, 0, result.stderr);
  for (const name of ['engine', 'engine \\(no exploration\\)', 'random', 'popular', 'ease', 'rp3beta', 'gf-cf', 'batch blend']) {
    assert.match(result.stdout, new RegExp(`^${name} +\\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]`, 'm'), name);
  }
  assert.match(result.stdout, /people with odd ids/);
});

test('tiktok without the replay catalog fails naming the file it needs', () => {
  const dir = tempDir();
  writeTiktokDir(dir);
  rmSync(join(dir, 'replay'), { recursive: true });
  const result = moteur('tiktok', '--data', dir, '--json');
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, new RegExp(`data file not found: ${join(dir, 'replay', 'videos.jsonl')}`));
});

test('ml100k --split last prints every row of the leave-last-out split with intervals; --json names the served path', () => {
  const dir = tempDir();
  writeMovieLensDir(dir);
  const table = moteur('ml100k', '--data', dir, '--split', 'last', '--ease-lambdas', '1');
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /^last split \(leave-last-out\), 24 people/m);
  assert.doesNotMatch(table.stdout, /^(random|time) split/m);
  for (const name of ['engine', 'engine \\(no exploration\\)', 'random', 'popular', 'ease', 'gf-cf']) {
    assert.match(table.stdout, new RegExp(`^${name} +\\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]`, 'm'), name);
  }
  const json = moteur('ml100k', '--data', dir, '--split', 'last', '--ease-lambdas', '1', '--json');
  assert.equal(json.status, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { random?: unknown; last: { servedPath: boolean; model: string; users: number } };
  assert.equal(parsed.random, undefined);
  assert.deepEqual([parsed.last.servedPath, parsed.last.model, parsed.last.users], [true, 'engine', 24]);
  const bad = moteur('ml100k', '--data', dir, '--split', 'first');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /expected random, time, last/);
});

test('kuairec without --json prints each residue with the served engine rows first, each figure with its interval', () => {
  const dir = tempDir();
  writeKuaiRecDir(dir);
  const result = moteur('kuairec', '--data', dir, '--residue', '2', '--ease-lambdas', '50');
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.split('\n');
  const header = lines.findIndex((line) => /^model +ndcg@10 +vs engine +userAuc +vs engine +pooledAuc/.test(line));
  assert.ok(header > 0, result.stdout);
  assert.match(lines[header - 1]!, /^residue 2: \d+ held-out rows, 40 people/);
  const names = ['engine', 'engine \\(no exploration\\)', 'watch-ratio', 'random', 'popular', 'video mean', 'biased MF', 'ease'];
  names.forEach((name, k) => assert.match(lines[header + 1 + k]!, new RegExp(`^${name} +\\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]`), name));
  // Every row but the engine's has its paired difference to the engine.
  assert.doesNotMatch(lines[header + 1]!, /\].*\[.*\].*\[/);
  assert.match(lines[header + 3]!, /\[.*\].*\[.*\].*\[.*\].*\[/);
  assert.match(result.stdout, /^mean over residues 2 /m);
});
