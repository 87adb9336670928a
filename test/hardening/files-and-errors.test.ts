/** Private file modes, secret files others may read refused, and every refusal in the `{code, message, field}` shape. */
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, sendEvents } from '../support/client.ts';
import { apiKey, event, tempDir, videos } from '../support/fixtures.ts';

const dataDir = tempDir();
const key = apiKey(dataDir, 'admin', ['us', 'eu']);
let server: RunningServer;

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: ['us', 'eu'] });
  const admin = clientFor(server, key);
  await answer(admin.POST('/v1/videos', { body: { videos: videos(5) } }));
  await answer(admin.PUT('/v1/users/{id}', { ...byId('u1'), body: { region: 'us' } }));
});
after(() => server.close());

/** Bodies and URLs the typed client cannot send (unknown fields, text/plain, bad dates and encodings), sent as they are. */
async function send(method: string, path: string, body?: string, contentType = 'application/json') {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': contentType }) } };
  if (body !== undefined) init.body = body;
  const res = await fetch(server.url + path, init);
  return { status: res.status, json: (await res.json()) as { code: string; message: string; field?: string; results?: { status: string; field?: string }[] } };
}

test('unknown top-level fields, a text/plain body, an impossible date and a bad URL are refused in the documented shape', async () => {
  const good = event('u1', 'v1', 'like');
  const cases: [string, string, string | undefined, string | undefined, number, string, string][] = [
    ['a misspelt extra field', '/v1/events', JSON.stringify({ events: [good], evnets: [] }), undefined, 400, 'invalid_field', 'evnets'],
    ['an extra field beside videos', '/v1/videos', JSON.stringify({ videos: [], more: 1 }), undefined, 400, 'invalid_field', 'more'],
    ['JSON sent as text/plain', '/v1/events', JSON.stringify({ events: [good] }), 'text/plain', 415, 'unsupported_media_type', 'content-type'],
  ];
  for (const [name, path, body, type, status, code, field] of cases) {
    const res = await send('POST', path, body, type);
    assert.deepEqual([res.status, res.json.code, res.json.field], [status, code, field], name);
    assert.ok(res.json.message.startsWith(`${field}: `), `${name}: ${res.json.message}`);
  }
  const dated = await send('POST', '/v1/events', JSON.stringify({ events: [{ ...event('u1', 'v1', 'like'), ts: '2026-02-31T10:00:00Z' }] }));
  assert.deepEqual(
    dated.json.results!.map((r) => [r.status, r.field]),
    [['rejected', 'ts']],
  );
  const badUrl = await send('GET', '/v1/users/%ED%A0%80/export');
  assert.deepEqual([badUrl.status, badUrl.json.code, badUrl.json.field], [400, 'invalid_url', 'url']);
  const proof = await reply(clientFor(server, key).GET('/v1/ledger/proofs/consistency', { params: { query: { from: 1, to: 99999999 } } }));
  assert.deepEqual([proof.status, proof.json.field], [400, 'to']);
  assert.match(proof.json.message, /^to: /);
});

test("moving a person to a region the node does not serve names the region the person's data lives in", async () => {
  const res = await reply(clientFor(server, key).PUT('/v1/users/{id}', { ...byId('u1'), body: { region: 'fr' } }));
  assert.equal(res.status, 409);
  assert.equal(res.json.field, 'region');
  assert.match(res.json.message, /lives in region us/);
});

test('every file of a data directory is private to its owner (0600, folders 0700)', async () => {
  await sendEvents(clientFor(server, key), [event('u1', 'v1', 'like'), event('u2', 'v2', 'like')]);
  await server.moteur.counts();
  const open: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const mode = statSync(path).mode & 0o777;
      if (entry.isDirectory()) {
        if (mode !== 0o700) open.push(`${path} ${mode.toString(8)}`);
        walk(path);
      } else if (mode & 0o077) open.push(`${path} ${mode.toString(8)}`);
    }
  };
  walk(dataDir);
  assert.deepEqual(open, []);
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
});

test('a ledger key or salt others may read is refused at start, like the master key', async () => {
  const dir = tempDir();
  await (await Moteur.open({ dataDir: dir })).close();
  for (const file of ['ledger.key', 'ledger.salt']) {
    chmodSync(join(dir, 'ledger', file), 0o644);
    await assert.rejects(
      Moteur.open({ dataDir: dir }),
      (err: Error & { code?: string }) => err.code === 'secret_exposed' && err.message.includes(file) && err.message.includes('chmod 600'),
    );
    chmodSync(join(dir, 'ledger', file), 0o600);
  }
  await (await Moteur.open({ dataDir: dir })).close();
});
