import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('bench/authz.ts prints per-decision costs and what access control adds to a feed request, as one JSON object', { timeout: 120_000 }, () => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/authz.ts', '--decisions', '2000', '--evaluated', '200', '--reparsed', '20', '--feeds', '300'],
    { encoding: 'utf8', timeout: 110_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.benchmark, 'authz');
  assert.match(result.policyVersion, /^\d{4}-\d{2}-\d{2}\.\d+\+sha256:[0-9a-f]{64}$/);
  for (const part of [result.decisions, result.evaluated, result.reparsed, result.keyLookup, result.feedRequest.accessControl, result.feedRequest.feed]) {
    // max is rounded to 0.1 µs, the percentiles to 0.01 µs.
    assert.ok(part.p50Us > 0 && part.p99Us >= part.p50Us && part.maxUs >= part.p99Us - 0.05, JSON.stringify(part));
  }
  assert.equal(result.feedRequest.requests, 300);
  assert.ok(result.feedRequest.ledgerWritePerEntryUs > 0);
  assert.ok(result.decisions.allowedShare > 0.5 && result.decisions.allowedShare < 1, 'mixed traffic is mostly, not only, allowed');
});
