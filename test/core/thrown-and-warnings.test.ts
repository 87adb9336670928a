import assert from 'node:assert/strict';
import { test } from 'node:test';
import { causeMessageOf, messageOf } from '../../src/core/thrown.ts';
import { warn } from '../../src/core/warnings.ts';

test('any thrown value becomes a message: an Error its message, anything else its text', () => {
  assert.equal(messageOf(new RangeError('out of range')), 'out of range');
  assert.equal(messageOf('plain string'), 'plain string');
  assert.equal(messageOf(42), '42');
  assert.equal(messageOf(undefined), 'undefined');
});

test("a failure whose reason is in its cause (fetch's 'fetch failed') is told by the cause", () => {
  const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
  assert.equal(causeMessageOf(refused), 'connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(causeMessageOf(new Error('no cause')), 'no cause');
  assert.equal(causeMessageOf(new Error('odd cause', { cause: 'a string' })), 'a string');
});

test('a warning is a MoteurWarning with its code, the cause appended, and no stack in the message', async () => {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  try {
    const seen = new Promise<Error & { code?: string }>((resolve) => process.once('warning', resolve));
    warn('snapshot_not_written', 'snapshot not written', new Error('disk full'));
    const warning = await seen;
    assert.equal(warning.name, 'MoteurWarning');
    assert.equal(warning.code, 'snapshot_not_written');
    assert.equal(warning.message, 'snapshot not written: disk full');
  } finally {
    for (const printer of printers) process.on('warning', printer);
  }
});
