/**
 * When the audit ledger cannot be written, nothing already decided is lost, and once the outage lasts
 * accesses are refused with a 503 rather than served unrecorded; when the ledger is back, all resumes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { AUDIT_OUTAGE_LIMIT_MS } from '../../src/app/deferred-writer.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { byId, clientFor, reply } from '../support/client.ts';
import { apiKey, tempDir, videos } from '../support/fixtures.ts';
import { until } from '../support/until.ts';
import { collectWarnings } from '../support/warnings.ts';

let server: RunningServer;
const dataDir = tempDir();
const key = apiKey(dataDir, 'admin');

before(async () => {
  server = await startServer({ dataDir, port: 0 });
  await server.moteur.upsertVideos(videos(20));
});
after(() => server.close());

// The client resends no 503 (test/support/client.ts), so the refusal is seen as it is.
const feed = (userId: string) => reply(clientFor(server, key).GET('/v1/users/{id}/feed', byId(userId, { n: 3 })));

test('a ledger outage loses no entry, refuses accesses once it lasts, and ends when the ledger is back', { timeout: 30_000 }, async () => {
  const sizeBefore = await server.moteur.ledger.size();
  const ledgerDb = new Database(join(dataDir, 'ledger', 'ledger.db'));
  ledgerDb.exec('ALTER TABLE nodes RENAME TO nodes_away');
  const { messages: warnings, stop } = collectWarnings();
  try {
    // Decided and served while the ledger fails: the entry waits for the ledger instead of being dropped.
    assert.equal((await feed('during-outage')).status, 200);
    await until('the failed write is reported', 5_000, async () =>
      warnings.some((w) => w.includes('audit entries and served records not written')) ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, AUDIT_OUTAGE_LIMIT_MS + 200));
    const refused = await feed('after-limit');
    assert.equal(refused.status, 503);
    assert.equal(refused.json.code, 'audit_unavailable');
    assert.match(refused.json.message, /audit ledger has not been writable for \d+ s \(.*nodes.*\)/);
  } finally {
    stop();
    ledgerDb.exec('ALTER TABLE nodes_away RENAME TO nodes');
    ledgerDb.close();
  }
  await until('accesses are served again', 10_000, async () => ((await feed('after-outage')).status === 200 ? true : undefined));
  await server.moteur.counts(); // flushes what is pending
  const entries = await server.moteur.ledger.entries(sizeBefore, await server.moteur.ledger.size());
  const resources = entries.map((e) => e.entry.resource);
  assert.ok(resources.includes(server.moteur.personInLedger('during-outage')), 'the access decided during the outage is in the ledger');
  assert.ok(!resources.includes(server.moteur.personInLedger('after-limit')), 'a refused access was not served, so it has no decision entry');
  assert.deepEqual(await server.moteur.ledger.verifyStorage(), { ok: true, size: sizeBefore + entries.length });
});
