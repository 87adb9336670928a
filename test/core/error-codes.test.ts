import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES, errorCodeSection } from '../../src/core/error-codes.ts';
import { invalid, MoteurError, notFound } from '../../src/core/errors.ts';

test('docs/api.md lists the error-code catalogue as it is (npm run docs:errors rewrites it)', () => {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  assert.equal(errorCodeSection.replaceIn(doc), doc, 'docs/api.md differs from src/core/error-codes.ts: run npm run docs:errors');
});

test('the section is found only between its two markers', () => {
  assert.equal(errorCodeSection.replaceIn('no markers here'), undefined);
  const stale = `intro\n${errorCodeSection.start}\n| old | table |\n${errorCodeSection.end}\nafter`;
  const fresh = errorCodeSection.replaceIn(stale)!;
  assert.ok(fresh.startsWith('intro\n') && fresh.endsWith(`${errorCodeSection.end}\nafter`));
  assert.ok(!fresh.includes('| old | table |'));
  assert.equal(fresh.split('\n').length, Object.keys(ERROR_CODES).length + 6);
});

test('every code is snake_case with an HTTP error status and a meaning a table cell can hold', () => {
  for (const [code, { status, meaning }] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^[a-z]+(_[a-z]+)*$/, code);
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status}`);
    assert.ok(meaning.length > 0 && !meaning.includes('|') && !meaning.includes('\n'), code);
  }
});

test('a refusal takes its status from the catalogue, and keeps the {code, message, field} shape', () => {
  const missing = notFound('video', 'v1');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.toJSON(), { code: 'not_found', message: "video 'v1' does not exist" });
  const bad = invalid('n', 'must be an integer from 1 to 100');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.toJSON(), { code: 'invalid_field', message: 'n: must be an integer from 1 to 100', field: 'n' });
  assert.equal(new MoteurError('log_unavailable', 'the log does not answer').status, 503);
  assert.equal(new MoteurError('policy_invalid', 'sent by an admin', { status: 422 }).status, 422);
});
