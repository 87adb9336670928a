/** The start both residency tests on PostgreSQL share: a global catalog, one person in `eu` and one in `us`, and some of their plays and likes. */
import assert from 'node:assert/strict';
import { event, videos } from '../support/fixtures.ts';

export async function catalogAndTwoPeople(call: (path: string, method: string, body: unknown) => Promise<Response>, eu: string, us: string): Promise<void> {
  assert.equal((await call('/v1/videos', 'POST', { videos: videos(12).map((v) => ({ ...v, region: 'global' })) })).status, 200);
  assert.equal((await call(`/v1/users/${eu}`, 'PUT', { region: 'eu' })).status, 200);
  assert.equal((await call(`/v1/users/${us}`, 'PUT', { region: 'us' })).status, 200);
  const traffic = (person: string) => ['v1', 'v2', 'v3', 'v4'].flatMap((v) => [event(person, v, 'play', { watchMs: 20_000 }), event(person, v, 'like')]);
  assert.equal((await call('/v1/events', 'POST', { events: [...traffic(eu), ...traffic(us)] })).status, 200);
}
