/** The start both residency tests on PostgreSQL share: a global catalog, one person in `eu` and one in `us`, and some of their plays and likes. */
import assert from 'node:assert/strict';
import { byId, reply, type MoteurClient } from '../support/client.ts';
import { event, videos } from '../support/fixtures.ts';

export async function catalogAndTwoPeople(moteur: MoteurClient, eu: string, us: string): Promise<void> {
  assert.equal((await reply(moteur.POST('/v1/videos', { body: { videos: videos(12).map((v) => ({ ...v, region: 'global' })) } }))).status, 200);
  assert.equal((await reply(moteur.PUT('/v1/users/{id}', { ...byId(eu), body: { region: 'eu' } }))).status, 200);
  assert.equal((await reply(moteur.PUT('/v1/users/{id}', { ...byId(us), body: { region: 'us' } }))).status, 200);
  const traffic = (person: string) => ['v1', 'v2', 'v3', 'v4'].flatMap((v) => [event(person, v, 'play', { watchMs: 20_000 }), event(person, v, 'like')]);
  assert.equal((await reply(moteur.POST('/v1/events', { body: { events: [...traffic(eu), ...traffic(us)] } }))).status, 200);
}
