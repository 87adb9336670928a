import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { canonicalEntry, Ledger, loadLedgerSecrets } from '../../src/trust/ledger/ledger.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/trust/ledger/merkle.ts';
import { verifyNote } from '../../src/trust/ledger/note.ts';
import { PostgresLedgerStorage } from '../../src/trust/ledger/postgres-ledger-storage.ts';
import { tempDir } from '../support/fixtures.ts';
import { freshPostgresUrl, postgresMissing } from '../support/services.ts';
import { ledgerContract, ledgerEntry } from './ledger-contract.ts';

const skip = await postgresMissing();

/** Runs one statement on the schema of `url`, as someone with direct access to the database would. */
async function sql(url: string, text: string, values: unknown[]): Promise<void> {
  const target = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

const openNode = async (keysDir: string, url: string) => Ledger.over(await PostgresLedgerStorage.connect(url), loadLedgerSecrets(keysDir));

/** `place` is a PostgreSQL URL on a schema of its own. */
ledgerContract('PostgreSQL ledger', {
  skip,
  open: async (keysDir, place = freshPostgresUrl()) => ({ ledger: await openNode(keysDir, place), place }),
  tamperEntry: (place, index, bytes) => sql(place, 'UPDATE ledger_entries SET entry = $1 WHERE idx = $2', [bytes, index]),
  tamperNode: (place, level, index, hash) => sql(place, 'UPDATE ledger_nodes SET hash = $1 WHERE level = $2 AND idx = $3', [hash, level, index]),
});

test('PostgreSQL ledger: two nodes appending at once build one tree; every checkpoint either signs is consistent with every other', { skip }, async () => {
  const url = freshPostgresUrl();
  const keys = tempDir();
  const nodes = await Promise.all([openNode(keys, url), openNode(keys, url)]);
  const checkpoints: string[] = [];
  const ROUNDS = 15;
  const BATCH = 7;
  // Each node appends its batches one after another while the other does the same, and signs a checkpoint after each.
  await Promise.all(
    nodes.map(async (ledger, n) => {
      for (let round = 0; round < ROUNDS; round++) {
        const batch = Array.from({ length: BATCH }, (_, j) => ledgerEntry(round * BATCH + j, `node${n}:${round}:${j}`));
        await ledger.append(batch);
        checkpoints.push(await ledger.checkpoint());
      }
    }),
  );
  const [a, b] = nodes as [Ledger, Ledger];
  const total = 2 * ROUNDS * BATCH;
  assert.equal(await a.size(), total);
  assert.ok((await a.root()).equals(await b.root()), 'both nodes serve the same tree');
  assert.equal(await a.checkpoint(), await b.checkpoint(), 'both nodes sign the same checkpoint');

  // Nothing lost, nothing twice, and each node's batch stayed in one piece and in its order.
  const entries = await a.entries(0, total);
  assert.deepEqual(
    entries.map((e) => e.index),
    Array.from({ length: total }, (_, i) => i),
  );
  const resources = entries.map((e) => e.entry.resource);
  assert.equal(new Set(resources).size, total);
  const writers: string[] = [];
  for (let i = 0; i < total; i += BATCH) {
    const [node, round] = resources[i]!.split(':');
    assert.deepEqual(
      resources.slice(i, i + BATCH),
      Array.from({ length: BATCH }, (_, j) => `${node}:${round}:${j}`),
    );
    writers.push(node!);
  }
  assert.ok(writers.filter((w, i) => i > 0 && w !== writers[i - 1]).length >= 2, `the nodes did not interleave: ${writers.join(' ')}`);

  const key = a.verifierKey();
  const signed = checkpoints.map((note) => {
    const verdict = verifyNote(note, key);
    assert.equal(verdict.ok, true, 'a checkpoint does not verify with the cluster key');
    const [, size, root] = verdict.body!.split('\n');
    return { size: Number(size), root: Buffer.from(root!, 'base64') };
  });
  for (const earlier of signed) {
    for (const later of signed.filter((c) => c.size >= earlier.size)) {
      const proof = await b.consistencyProof(earlier.size, later.size);
      assert.deepEqual(
        verifyConsistency(earlier.size, later.size, earlier.root, later.root, proof),
        { ok: true },
        `checkpoints ${earlier.size} and ${later.size}`,
      );
    }
  }
  const root = await a.root();
  for (const { index, entry } of entries) {
    assert.deepEqual(
      verifyInclusion(index, total, leafHash(canonicalEntry(entry)), await b.inclusionProof(index, total), root),
      { ok: true },
      `entry ${index}`,
    );
  }
  assert.deepEqual(await b.verifyStorage(), { ok: true, size: total });
  await Promise.all(nodes.map((n) => n.close()));
});

test('PostgreSQL ledger: a batch that fails leaves nothing half-written, and the next append carries on', { skip }, async () => {
  const url = freshPostgresUrl();
  const keys = tempDir();
  const ledger = await openNode(keys, url);
  await ledger.append([ledgerEntry(0), ledgerEntry(1), ledgerEntry(2)]);
  // An entry already at the index the next append takes: the insert fails inside the append's transaction.
  await sql(url, 'INSERT INTO ledger_entries VALUES (4, $1)', [Buffer.from('squatter')]);
  await assert.rejects(ledger.append([ledgerEntry(3), ledgerEntry(4)]), /duplicate key/);
  assert.equal(await ledger.size(), 3);
  await sql(url, 'DELETE FROM ledger_entries WHERE idx = 4', []);
  assert.deepEqual(await ledger.append([ledgerEntry(3), ledgerEntry(4)]), [3, 4]);
  assert.deepEqual(await ledger.verifyStorage(), { ok: true, size: 5 });
  await ledger.close();
});
