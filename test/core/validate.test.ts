import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoteurError } from '../../src/core/errors.ts';
import { parseEvent, parseTimestamp, parseUser, parseVideo } from '../../src/core/validate.ts';

const defaults = { region: 'us', language: 'en', embeddingDim: 4 };

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MoteurError, `expected a MoteurError, got ${String(err)}`);
    assert.equal(err.status, 400);
    return err.field;
  }
  assert.fail('expected the input to be rejected');
}

test('timestamps accept ISO 8601 strings and epoch milliseconds, nothing else', () => {
  assert.equal(parseTimestamp('2026-01-02T03:04:05Z', 'ts'), Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(parseTimestamp('2026-01-02T03:04:05.250+01:00', 'ts'), Date.UTC(2026, 0, 2, 2, 4, 5, 250));
  assert.equal(parseTimestamp(1_700_000_000_000, 'ts'), 1_700_000_000_000);
  for (const bad of ['yesterday', '02/01/2026', '', -5, Number.NaN, 1e20]) {
    assert.equal(
      fieldOf(() => parseTimestamp(bad, 'ts')),
      'ts',
      `should reject ${String(bad)}`,
    );
  }
});

test('a valid event is normalised; play without watchMs and unknown types are rejected by field', () => {
  const e = parseEvent({ id: 'e1', userId: 'u', videoId: 'v', type: 'play', ts: '2026-05-01T00:00:00Z', watchMs: 1200, position: 3 });
  assert.deepEqual(e, { id: 'e1', userId: 'u', videoId: 'v', type: 'play', ts: Date.UTC(2026, 4, 1), watchMs: 1200, position: 3 });
  assert.equal(
    fieldOf(() => parseEvent({ id: 'e1', userId: 'u', videoId: 'v', type: 'play', ts: 1 })),
    'watchMs',
  );
  assert.equal(
    fieldOf(() => parseEvent({ id: 'e1', userId: 'u', videoId: 'v', type: 'zap', ts: 1 })),
    'type',
  );
  assert.equal(
    fieldOf(() => parseEvent({ id: 'e1', userId: 'u', videoId: 'v', type: 'like' })),
    'ts',
  );
  assert.equal(
    fieldOf(() => parseEvent({ id: 'e1', userId: 7, videoId: 'v', type: 'like', ts: 1 })),
    'userId',
  );
  assert.equal(
    fieldOf(() => parseEvent({ id: 'e1', userId: 'u', videoId: 'v', type: 'like', ts: 1, watchms: 3 })),
    'watchms',
  );
  assert.equal(
    fieldOf(() => parseEvent('not an object')),
    'event',
  );
  assert.equal(
    fieldOf(() => parseEvent({ id: 'e1', userId: 'u', videoId: 'v', type: 'play', ts: 1, watchMs: -1 })),
    'watchMs',
  );
});

test('videos get defaults, lower-cased hashtags, and an embedding of exactly the configured length', () => {
  const v = parseVideo({ id: 'v1', creatorId: 'c1', durationMs: 15000, hashtags: ['#Cats'], embedding: [1, 2, 3, 4] }, defaults, 42);
  assert.equal(v.createdAt, 42);
  assert.deepEqual(v.hashtags, ['cats']);
  assert.equal(v.status, 'active');
  assert.equal(v.region, 'us');
  assert.equal(
    fieldOf(() => parseVideo({ id: 'v1', creatorId: 'c1', durationMs: 15000, embedding: [1, 2] }, defaults)),
    'embedding',
  );
  assert.equal(
    fieldOf(() => parseVideo({ id: 'v1', creatorId: 'c1', durationMs: 0 }, defaults)),
    'durationMs',
  );
  assert.equal(
    fieldOf(() => parseVideo({ id: 'v1', durationMs: 10 }, defaults)),
    'creatorId',
  );
  assert.equal(
    fieldOf(() => parseVideo({ id: 'v1', creatorId: 'c', durationMs: 10, hashtags: ['ok', 5] }, defaults)),
    'hashtags[1]',
  );
});

test('a user update keeps the fields it does not name', () => {
  const first = parseUser('u1', { region: 'eu', settings: { keywordFilters: ['spoiler'] } }, defaults, undefined, 5);
  const second = parseUser('u1', { settings: { personalized: false } }, defaults, first);
  assert.deepEqual(second, { id: 'u1', region: 'eu', language: 'en', createdAt: 5, settings: { personalized: false, keywordFilters: ['spoiler'] } });
  assert.equal(
    fieldOf(() => parseUser('u1', { settings: { personalized: 'no' } }, defaults)),
    'settings.personalized',
  );
});

test('a date that is not in the calendar is refused, not moved to the next month', () => {
  for (const bad of ['2026-02-31', '2026-02-29T10:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01', '2026-00-10']) {
    assert.equal(
      fieldOf(() => parseTimestamp(bad, 'ts')),
      'ts',
      `should reject ${bad}`,
    );
  }
  assert.equal(parseTimestamp('2028-02-29', 'ts'), Date.UTC(2028, 1, 29));
});

test('embedding numbers must fit a float32, and strings must be well-formed Unicode', () => {
  const video = { id: 'v', creatorId: 'c', durationMs: 1000 };
  assert.equal(
    fieldOf(() => parseVideo({ ...video, embedding: [1e39, 0, 0, 0] }, defaults)),
    'embedding',
  );
  assert.equal(
    fieldOf(() => parseVideo({ ...video, embedding: [-3.5e38, 0, 0, 0] }, defaults)),
    'embedding',
  );
  assert.deepEqual(parseVideo({ ...video, embedding: [3.4e38, 0, 0, 0] }, defaults).embedding, [3.4e38, 0, 0, 0]);
  assert.equal(
    fieldOf(() => parseVideo({ ...video, soundId: 's\ud800' }, defaults)),
    'soundId',
  );
  assert.equal(
    fieldOf(() => parseUser('u\udc00', {}, defaults)),
    'id',
  );
  assert.equal(parseUser('u\ud83d\ude00', {}, defaults).id, 'u\ud83d\ude00');
});
