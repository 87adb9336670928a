import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../app/config.ts';
import { MoteurError } from '../core/errors.ts';
import type { EventLog } from '../log/event-log.ts';
import { NatsEventLog, oneRegion } from '../log/nats/nats-event-log.ts';
import { SqliteEventLog } from '../log/sqlite/sqlite-event-log.ts';
import { openPostgresRegions, type PostgresRegions } from '../residency/postgres-regions.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { DataKeys } from '../trust/crypto/data-keys.ts';
import { loadMasterKey, masterKeyFileIn, readClusterMasterKey } from '../trust/crypto/master-key.ts';
import { PostgresDataKeys } from '../trust/crypto/postgres-data-keys.ts';
import { bindMasterKey } from '../trust/crypto/postgres-master-key.ts';
import { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import { Checkpoints } from './checkpoints.ts';
import type { LearnerShard } from './learner-shard.ts';
import { Ledger, loadLedgerSecrets } from '../trust/ledger/ledger.ts';
import { PostgresLedgerStorage } from '../trust/ledger/postgres-ledger-storage.ts';
import { SqliteLedgerStorage } from '../trust/ledger/sqlite-ledger-storage.ts';

export interface BackendOptions {
  /** `postgres://...`, or undefined for SQLite in `dataDir`. */
  storeUrl: string | undefined;
  /** `nats://...`, or undefined for SQLite in `dataDir`. */
  logUrl: string | undefined;
  dataDir: string;
  /** The master key wrapping people's data keys: every node of a cluster needs the same, made beforehand (default: `dataDir/master.key`). */
  masterKeyFile: string | undefined;
  /** Where the ledger's signing key and commitment salt are (`ledger.key`, `ledger.salt`): every node of a cluster needs the same (default: `dataDir/ledger`). */
  ledgerKeysDir?: string | undefined;
  /** With the store in PostgreSQL: the regions this node serves, home first (default: the configured one and every region the deployment records). */
  regions?: readonly string[] | undefined;
}

export interface Backends<S extends Store = Store, L extends EventLog = EventLog> {
  store: S;
  /** The log as stored: sealed events. */
  sealedLog: L;
  /** The log as the engine reads it: events sealed and opened with each person's data key. */
  log: PersonalEventLog;
  /** With the store in PostgreSQL: the shared schema, each region's schema and who lives where. */
  postgres?: PostgresRegions;
}

const isPostgres = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:\/\//.test(url);
const isNats = (url: string | undefined): url is string => url?.startsWith('nats://') === true;

/**
 * The store and the log the URLs name, each the embedded SQLite file in the data directory when none.
 * People's data keys live with the store: in PostgreSQL, shared by every node, when the store is there, and
 * laid out by region (src/residency/postgres-regions.ts).
 */
export async function openBackends(options: BackendOptions): Promise<Backends> {
  const { storeUrl, logUrl, dataDir } = options;
  if (storeUrl !== undefined && !isPostgres(storeUrl)) {
    throw new MoteurError('invalid_option', `--store ${storeUrl}: expected a postgres:// URL (or none for the embedded store)`, { field: 'store' });
  }
  if (logUrl !== undefined && !isNats(logUrl)) {
    throw new MoteurError('invalid_option', `--log ${logUrl}: expected a nats:// URL (or none for the embedded log)`, { field: 'log' });
  }
  const keyFile = options.masterKeyFile ?? masterKeyFileIn(dataDir);
  // On the shared store the key wraps data keys every node opens: a node never makes one, and must hold the cluster's.
  const masterKey = isPostgres(storeUrl) ? readClusterMasterKey(keyFile) : loadMasterKey(keyFile);
  const postgres = isPostgres(storeUrl)
    ? await openPostgresRegions(storeUrl, options.regions, options.regions?.[0] ?? DEFAULT_CONFIG.region, masterKey)
    : undefined;
  const store = postgres?.store ?? SqliteStore.open(join(dataDir, 'store.db'));
  try {
    if (postgres !== undefined) {
      const opensStoredKeys = async () =>
        (await Promise.all([...postgres.regionStores.values()].map((r) => PostgresDataKeys.opensStoredKeys(r.pool, masterKey)))).every(Boolean);
      await bindMasterKey(postgres.shared.pool, postgres.shared.schema, masterKey, keyFile, opensStoredKeys);
    }
    const keys = postgres?.keys ?? DataKeys.open(join(dataDir, 'data-keys.db'), masterKey);
    // In JetStream, each person's events go to their region's stream (one region without PostgreSQL's).
    const sealedLog = isNats(logUrl)
      ? await NatsEventLog.open(logUrl, postgres?.directory ?? oneRegion(DEFAULT_CONFIG.region))
      : SqliteEventLog.open(join(dataDir, 'events.db'));
    return { store, sealedLog, log: new PersonalEventLog(sealedLog, keys), ...(postgres && { postgres }) };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** A learner shard's model checkpoints (default: the whole log's): the shared part in the shared schema, each region's part in its own. */
export function openCheckpoints({ shared, regionStores }: PostgresRegions, shard?: LearnerShard): Promise<Checkpoints> {
  return Checkpoints.open(shared.pool, shared.schema, regionStores, shard);
}

/**
 * The audit ledger: with the store in PostgreSQL, one tree in the store's schema that every node appends
 * to and serves; else the embedded SQLite file in `dataDir/ledger`.
 */
export async function openLedger(options: BackendOptions, postgres: PostgresRegions | undefined): Promise<Ledger> {
  const dir = join(options.dataDir, 'ledger');
  const secrets = loadLedgerSecrets(options.ledgerKeysDir ?? dir);
  const storage =
    postgres !== undefined ? await PostgresLedgerStorage.open(postgres.shared.pool, postgres.shared.schema) : SqliteLedgerStorage.open(join(dir, 'ledger.db'));
  return Ledger.over(storage, secrets);
}

/** The scale-out pair that serving and learner nodes need: PostgreSQL and a JetStream log. */
export async function openScaleOut(options: BackendOptions, role: string): Promise<Backends<Store, NatsEventLog> & { postgres: PostgresRegions }> {
  if (!isPostgres(options.storeUrl))
    throw new MoteurError('invalid_option', `--role ${role} needs --store postgres://... (or MOTEUR_STORE)`, { field: 'store' });
  if (!isNats(options.logUrl)) throw new MoteurError('invalid_option', `--role ${role} needs --log nats://... (or MOTEUR_LOG)`, { field: 'log' });
  return (await openBackends(options)) as Backends<Store, NatsEventLog> & { postgres: PostgresRegions };
}
