/**
 * Follow freshness as a person sees it: having watched creator c19's newest video (v59) on one node and
 * followed c19 on another from an older one (v39), their next feed brings c19's newest video they have not
 * watched, v39, from the `followed` source. Needs the catalog of `datedCatalog`.
 */
import assert from 'node:assert/strict';
import { shardOf } from '../../src/log/nats/subjects.ts';
import { answer, byId, clientFor } from '../support/client.ts';
import { videos } from '../support/fixtures.ts';
import { until } from '../support/until.ts';

/** 60 videos of 20 creators, a minute apart, so "a creator's newest video" is one video: c19's are v19, v39 and v59, newest last. */
export const datedCatalog = () => videos(60).map((v, i) => ({ ...v, createdAt: Date.now() - 3_600_000 + i * 60_000 }));

/** A person whose events go to learner shard `shard` of `shards`, new to the log (`tag` keeps runs apart). */
export const personOfShard = (shard: number, shards: number, tag: string) =>
  Array.from({ length: 200 }, (_, i) => `${tag}-${i}`).find((id) => shardOf(id, shards) === shard)!;

export async function checkFollowFreshness(options: {
  watchOn: string;
  followOn: string;
  feedOn: string;
  person: string;
  key: string;
  admin: string;
}): Promise<void> {
  const { watchOn, followOn, feedOn, person, key, admin } = options;
  const on = (url: string, apiKey: string) => clientFor({ url }, apiKey);
  const watch = { id: `${person}-watch`, userId: person, videoId: 'v59', type: 'play', watchMs: 9000, ts: Date.now() };
  await answer(on(watchOn, key).POST('/v1/events', { body: { events: [watch] } }));
  await answer(
    on(followOn, key).POST('/v1/events', { body: { events: [{ id: `${person}-follow`, userId: person, videoId: 'v39', type: 'follow', ts: Date.now() }] } }),
  );
  // Waiting on the export, not on feeds: a feed asked too early would serve, and so hide, the video expected.
  // The watch is before the follow in the log, so a node that knows the follow knows the watch too.
  await until(`the follow of ${person} learned on ${feedOn}`, 5000, async () => {
    const { data } = await on(feedOn, admin).GET('/v1/users/{id}/export', byId(person));
    return data?.learned.follows.includes('c19') ? true : undefined;
  });
  const followed = (await answer(on(feedOn, key).GET('/v1/users/{id}/feed', byId(person, { n: 5 })))).items.find((i) => i.source === 'followed');
  assert.equal(followed?.videoId, 'v39', `the newest video of c19 that ${person} has not watched, in their feed on ${feedOn}`);
}
