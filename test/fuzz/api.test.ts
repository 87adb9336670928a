/** A few thousand generated requests on every test run; `npm run fuzz` sends 100,000 and more (scripts/fuzz.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from '../support/fixtures.ts';
import { fuzzApi } from './api-fuzz.ts';

test('generated requests: no 5xx, refusals in the documented shape, acknowledged events exported once, learned numbers finite', {
  timeout: 240_000,
}, async () => {
  const run = await fuzzApi(tempDir(), { requests: 3000, timeLimitMs: 180_000 });
  assert.equal(run.failure, undefined, run.failure);
  assert.ok(run.requests >= 1000, `only ${run.requests} requests in the time allowed`);
});
