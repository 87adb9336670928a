/**
 * The cluster's master key, named in the shared schema by its fingerprint: the first node binds it, and
 * every other node must hold the same key, or it would wrap new people's data keys (and so seal their
 * events) under a key the rest of the cluster cannot open.
 */
import type pg from 'pg';
import { MoteurError } from '../../core/errors.ts';
import { migrate, type Migration } from '../../store/postgres/migrations.ts';
import { masterKeyFingerprint } from './master-key.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "the cluster's master key fingerprint",
    sql: 'CREATE TABLE master_key (id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1), fingerprint text NOT NULL, bound_at timestamptz NOT NULL DEFAULT now())',
  },
];

/**
 * Binds the cluster to this key if none is bound yet, else refuses a key that is not the cluster's. A cluster
 * that holds data keys from before it recorded a fingerprint is bound only by a key that opens them
 * (`opensStoredKeys`). Returns the fingerprint.
 */
export async function bindMasterKey(
  pool: pg.Pool,
  schema: string,
  masterKey: Buffer,
  keyFile: string,
  opensStoredKeys: () => Promise<boolean>,
): Promise<string> {
  await migrate(pool, schema, 'master-key', MIGRATIONS);
  const mine = masterKeyFingerprint(masterKey);
  const read = async () => (await pool.query<{ fingerprint: string }>('SELECT fingerprint FROM master_key')).rows[0]?.fingerprint;
  if ((await read()) === undefined) {
    if (!(await opensStoredKeys())) {
      throw new MoteurError(
        'master_key_mismatch',
        `the master key ${keyFile} does not open the data keys this cluster already holds: start the node with the key its other nodes use (--master-key or MOTEUR_MASTER_KEY)`,
      );
    }
    await pool.query('INSERT INTO master_key (fingerprint) VALUES ($1) ON CONFLICT DO NOTHING', [mine]);
  }
  const bound = (await read())!;
  if (bound !== mine) {
    throw new MoteurError(
      'master_key_mismatch',
      `the master key ${keyFile} (fingerprint ${mine}) is not this cluster's (fingerprint ${bound}): copy the key file (mode 0600) from a node of the cluster (its --master-key or MOTEUR_MASTER_KEY) and start again`,
    );
  }
  return bound;
}
