import { join } from 'node:path';
import { MoteurError } from '../core/errors.ts';
import type { EventLog } from '../log/event-log.ts';
import { NatsEventLog } from '../log/nats/nats-event-log.ts';
import { SqliteEventLog } from '../log/sqlite/sqlite-event-log.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { DataKeys, type PersonKeys } from '../trust/crypto/data-keys.ts';
import { loadMasterKey, masterKeyFileIn } from '../trust/crypto/master-key.ts';
import { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import { PostgresDataKeys } from '../trust/crypto/postgres-data-keys.ts';
import { Ledger, loadLedgerSecrets } from '../trust/ledger/ledger.ts';
import { PostgresLedgerStorage } from '../trust/ledger/postgres-ledger-storage.ts';
import { SqliteLedgerStorage } from '../trust/ledger/sqlite-ledger-storage.ts';

export interface BackendOptions {
  /** `postgres://...`, or undefined for SQLite in `dataDir`. */
  storeUrl: string | undefined;
  /** `nats://...`, or undefined for SQLite in `dataDir`. */
  logUrl: string | undefined;
  dataDir: string;
  /** The master key wrapping people's data keys: every node of a cluster needs the same (default: `dataDir/master.key`). */
  masterKeyFile: string | undefined;
  /** Where the ledger's signing key and commitment salt are (`ledger.key`, `ledger.salt`): every node of a cluster needs the same (default: `dataDir/ledger`). */
  ledgerKeysDir?: string | undefined;
}

export interface Backends<S extends Store = Store, L extends EventLog = EventLog> {
  store: S;
  /** The log as stored: sealed events. */
  sealedLog: L;
  /** The log as the engine reads it: events sealed and opened with each person's data key. */
  log: PersonalEventLog;
}

const isPostgres = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:\/\//.test(url);
const isNats = (url: string | undefined): url is string => url !== undefined && url.startsWith('nats://');

/**
 * The store and the log the URLs name, each the embedded SQLite file in the data directory when none.
 * People's data keys live with the store: in PostgreSQL, shared by every node, when the store is there.
 */
export async function openBackends(options: BackendOptions): Promise<Backends> {
  const { storeUrl, logUrl, dataDir } = options;
  if (storeUrl !== undefined && !isPostgres(storeUrl)) {
    throw new MoteurError('invalid_option', `--store ${storeUrl}: expected a postgres:// URL (or none for the embedded store)`, 400, 'store');
  }
  if (logUrl !== undefined && !isNats(logUrl)) {
    throw new MoteurError('invalid_option', `--log ${logUrl}: expected a nats:// URL (or none for the embedded log)`, 400, 'log');
  }
  const masterKey = loadMasterKey(options.masterKeyFile ?? masterKeyFileIn(dataDir));
  const store = isPostgres(storeUrl) ? await PostgresStore.open(storeUrl) : SqliteStore.open(join(dataDir, 'store.db'));
  try {
    const keys: PersonKeys =
      store instanceof PostgresStore ? await PostgresDataKeys.open(store.pool, store.schema, masterKey) : DataKeys.open(join(dataDir, 'data-keys.db'), masterKey);
    const sealedLog = isNats(logUrl) ? await NatsEventLog.open(logUrl) : SqliteEventLog.open(join(dataDir, 'events.db'));
    return { store, sealedLog, log: new PersonalEventLog(sealedLog, keys) };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * The audit ledger: with the store in PostgreSQL, one tree in the store's schema that every node appends
 * to and serves; else the embedded SQLite file in `dataDir/ledger`.
 */
export async function openLedger(options: BackendOptions, store: Store): Promise<Ledger> {
  const dir = join(options.dataDir, 'ledger');
  const secrets = loadLedgerSecrets(options.ledgerKeysDir ?? dir);
  const storage = store instanceof PostgresStore ? await PostgresLedgerStorage.open(store.pool, store.schema) : SqliteLedgerStorage.open(join(dir, 'ledger.db'));
  return Ledger.over(storage, secrets);
}

/** The scale-out pair that serving and learner nodes need: PostgreSQL and a JetStream log. */
export async function openScaleOut(options: BackendOptions, role: string): Promise<Backends<PostgresStore, NatsEventLog>> {
  if (!isPostgres(options.storeUrl)) throw new MoteurError('invalid_option', `--role ${role} needs --store postgres://... (or MOTEUR_STORE)`, 400, 'store');
  if (!isNats(options.logUrl)) throw new MoteurError('invalid_option', `--role ${role} needs --log nats://... (or MOTEUR_LOG)`, 400, 'log');
  return (await openBackends(options)) as Backends<PostgresStore, NatsEventLog>;
}
