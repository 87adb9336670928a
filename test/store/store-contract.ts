/**
 * The cases every Store implementation must pass, run by one test file per implementation
 * (sqlite-store.test.ts, postgres-store.test.ts) so both are held to the same behaviour.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, type User, type Video } from '../../src/core/types.ts';
import type { Store } from '../../src/store/store.ts';

export interface ContractOptions {
  /** Opens a new, empty store; the same `place` opens the same data again. */
  open: (place?: string) => Promise<{ store: Store; place: string }>;
  skip?: string;
}

const video = (id: string, extra: Partial<Video> = {}): Video => ({
  id,
  creatorId: 'c1',
  durationMs: 15_000,
  createdAt: 1_700_000_000_000,
  caption: `caption of ${id}`,
  hashtags: ['cats', 'été'],
  soundId: 's1',
  language: 'fr',
  region: 'EU',
  status: 'active',
  ...extra,
});

const user = (id: string, extra: Partial<User> = {}): User => ({
  id,
  region: 'EU',
  language: 'fr',
  createdAt: 1_700_000_000_000,
  settings: DEFAULT_SETTINGS,
  ...extra,
});

export function storeContract(name: string, { open, skip }: ContractOptions): void {
  const it = (title: string, body: (store: Store) => Promise<void>): void =>
    void test(`${name}: ${title}`, { skip }, async () => {
      const { store } = await open();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });

  it('videos round-trip exactly, embeddings included, and upserts replace', async (store) => {
    const embedding = [0.1, -2.5, 3.25, 1e-7].map(Math.fround);
    await store.upsertVideos([video('v1', { embedding }), video('v2'), video('v1', { caption: 'newer', embedding })]);
    assert.deepEqual(await store.getVideo('v1'), video('v1', { caption: 'newer', embedding }));
    assert.deepEqual(await store.getVideo('v2'), video('v2'));
    assert.equal(await store.getVideo('nope'), undefined);
    await store.upsertVideos([video('v2', { status: 'removed', hashtags: [] })]);
    assert.equal((await store.getVideo('v2'))?.status, 'removed');
    assert.deepEqual((await store.getVideo('v2'))?.hashtags, []);
    await store.upsertVideos([]);
  });

  it('videos and users list in id order, page by page', async (store) => {
    const ids = Array.from({ length: 25 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    await store.upsertVideos([...ids].reverse().map((id) => video(id)));
    const pages: string[][] = [];
    for (let after = ''; ; ) {
      const page = await store.listVideos(after, 10);
      pages.push(page.map((v) => v.id));
      if (page.length < 10) break;
      after = page[page.length - 1]!.id;
    }
    assert.deepEqual(pages.flat(), ids);
    assert.deepEqual(
      pages.map((p) => p.length),
      [10, 10, 5],
    );
    await store.insertMissingUsers(['u3', 'u1', 'u2'].map((id) => user(id)));
    assert.deepEqual(
      (await store.listUsers('u1', 10)).map((u) => u.id),
      ['u2', 'u3'],
    );
  });

  it('putUser replaces a profile; insertMissingUsers never touches an existing one', async (store) => {
    await store.putUser(user('ann', { settings: { personalized: false, keywordFilters: ['spoiler'] } }));
    await store.insertMissingUsers([user('ann', { region: 'US' }), user('bob'), user('bob')]);
    assert.deepEqual(await store.getUser('ann'), user('ann', { settings: { personalized: false, keywordFilters: ['spoiler'] } }));
    assert.deepEqual(await store.getUser('bob'), user('bob'));
    await store.putUser(user('ann', { region: 'US' }));
    assert.equal((await store.getUser('ann'))?.region, 'US');
    assert.equal(await store.getUser('nobody'), undefined);
  });

  it('serving history: pairs stored once, listed in write order, per person, and cleared', async (store) => {
    await store.recordServed([
      { userId: 'ann', videoId: 'v1', ts: 1 },
      { userId: 'bob', videoId: 'v1', ts: 2 },
      { userId: 'ann', videoId: 'v2', ts: 3 },
    ]);
    await store.recordServed([{ userId: 'ann', videoId: 'v1', ts: 9 }]);
    await store.recordServed([]);
    const all = await store.listServed(0, 10);
    assert.deepEqual(
      all.map((r) => [r.userId, r.videoId, r.ts]),
      [
        ['ann', 'v1', 1],
        ['bob', 'v1', 2],
        ['ann', 'v2', 3],
      ],
    );
    assert.ok(all.every((r, i) => i === 0 || r.rowId > all[i - 1]!.rowId));
    assert.deepEqual(
      (await store.listServed(all[0]!.rowId, 1)).map((r) => r.videoId),
      ['v1'],
    );
    assert.deepEqual(await store.servedTo('ann'), [
      { videoId: 'v1', ts: 1 },
      { videoId: 'v2', ts: 3 },
    ]);
    await store.clearServed('ann');
    assert.deepEqual(await store.servedTo('ann'), []);
    assert.equal((await store.counts()).served, 1);
  });

  it('resets keep the latest position per person', async (store) => {
    await store.recordReset('ann', 5);
    await store.recordReset('bob', 7);
    await store.recordReset('ann', 12);
    assert.deepEqual(
      await store.listResets(),
      new Map([
        ['ann', 12],
        ['bob', 7],
      ]),
    );
  });

  it('timestamps and positions up to 2^53 - 1 come back exactly', async (store) => {
    const big = Number.MAX_SAFE_INTEGER;
    await store.upsertVideos([video('v1', { createdAt: big })]);
    await store.putUser(user('ann', { createdAt: big - 1 }));
    await store.recordServed([{ userId: 'ann', videoId: 'v1', ts: big - 2 }]);
    await store.recordReset('ann', big - 3);
    assert.equal((await store.getVideo('v1'))?.createdAt, big);
    assert.equal((await store.getUser('ann'))?.createdAt, big - 1);
    assert.equal((await store.servedTo('ann'))[0]?.ts, big - 2);
    assert.equal((await store.listResets()).get('ann'), big - 3);
  });

  it('erasure removes every row about the person and nothing else', async (store) => {
    await store.upsertVideos([video('v1'), video('v2')]);
    await store.insertMissingUsers([user('ann'), user('bob')]);
    await store.recordServed([
      { userId: 'ann', videoId: 'v1', ts: 1 },
      { userId: 'bob', videoId: 'v2', ts: 2 },
    ]);
    await store.recordReset('ann', 3);
    await store.recordReset('bob', 4);
    await store.eraseUser('ann');
    assert.equal(await store.getUser('ann'), undefined);
    assert.deepEqual(await store.servedTo('ann'), []);
    assert.deepEqual(await store.listResets(), new Map([['bob', 4]]));
    assert.deepEqual(
      (await store.listUsers('', 10)).map((u) => u.id),
      ['bob'],
    );
    assert.deepEqual(
      (await store.listServed(0, 10)).map((r) => r.userId),
      ['bob'],
    );
    const counts = await store.counts();
    assert.deepEqual([counts.videos, counts.users, counts.served], [2, 1, 1]);
    assert.ok((counts.bytes ?? 0) > 0);
  });

  test(`${name}: what was written is there after reopening`, { skip }, async () => {
    const first = await open();
    await first.store.upsertVideos([video('v1')]);
    await first.store.putUser(user('ann'));
    await first.store.recordServed([{ userId: 'ann', videoId: 'v1', ts: 1 }]);
    await first.store.close();
    const again = await open(first.place);
    try {
      assert.deepEqual(await again.store.getVideo('v1'), video('v1'));
      assert.deepEqual(await again.store.servedTo('ann'), [{ videoId: 'v1', ts: 1 }]);
    } finally {
      await again.store.close();
    }
  });
}
