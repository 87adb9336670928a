/**
 * Lays a data directory out by region: the catalog in `DATA/store.db`, and each region's personal data
 * (people, what they were served, their events and data keys) under `DATA/regions/<region>/`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { invalid, MoteurError } from '../core/errors.ts';
import { SqliteEventLog } from '../log/sqlite/sqlite-event-log.ts';
import { openSqlite } from '../store/sqlite/database.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { DataKeys } from '../trust/crypto/data-keys.ts';
import { loadMasterKey, masterKeyFileIn } from '../trust/crypto/master-key.ts';
import { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import { PeopleDirectory } from './people-directory.ts';
import { RegionalDataKeys } from './regional-data-keys.ts';
import { RegionalEventLog } from './regional-event-log.ts';
import { RegionalStore } from './regional-store.ts';

/** Region names are directory names: short, lower case, nothing that could climb out of `regions/`. */
export const REGION_NAME = /^[a-z][a-z0-9-]{1,15}$/;

export const regionDir = (dataDir: string, region: string): string => join(dataDir, 'regions', region);

export interface RegionalStorage {
  store: RegionalStore;
  log: PersonalEventLog;
  directory: PeopleDirectory;
}

/** Regions a data directory holds personal data for. */
export function regionsIn(dataDir: string): string[] {
  const dir = join(dataDir, 'regions');
  return existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && REGION_NAME.test(d.name))
        .map((d) => d.name)
        .sort()
    : [];
}

const PAGE = 5000;

/** Reads every person's id of a region's store into the directory. */
export async function placePeople(store: Store, region: string, directory: PeopleDirectory): Promise<void> {
  for (let after = ''; ; ) {
    const users = await store.listUsers(after, PAGE);
    for (const u of users) directory.place(u.id, region);
    if (users.length < PAGE) break;
    after = users[users.length - 1]!.id;
  }
}

/** The newest sequence number in a region's log, read without starting its writer. */
function lastSeqIn(path: string): number {
  if (!existsSync(path)) return 0;
  const db = openSqlite(path);
  try {
    return (db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Opens the regions a node serves (`served`, home first; default: `home` and every region the directory
 * holds). Regions it holds but does not serve are read only for who lives there, so their people are
 * refused instead of being recreated in a served region.
 */
export async function openRegions(dataDir: string, served: readonly string[] | undefined, home: string): Promise<RegionalStorage> {
  if (existsSync(join(dataDir, 'events.db'))) {
    throw new MoteurError(
      'data_format',
      `${dataDir} keeps its events in one log (events.db), from an earlier version; export them with that version and import them into a new data directory`,
    );
  }
  const present = regionsIn(dataDir);
  const regions = served ?? [home, ...present.filter((r) => r !== home)];
  const bad = regions.find((r) => !REGION_NAME.test(r));
  if (bad !== undefined || regions.length === 0) {
    throw invalid('regions', `"${bad ?? ''}" is not a region name (2 to 16 lower-case letters, digits or dashes, starting with a letter)`);
  }
  const directory = new PeopleDirectory(regions);
  const masterKey = loadMasterKey(masterKeyFileIn(dataDir));
  const people = new Map<string, SqliteStore>();
  const logs = new Map<string, SqliteEventLog>();
  const keys = new Map<string, DataKeys>();
  let lastSeq = 0;
  for (const region of present.filter((r) => !regions.includes(r))) {
    const store = SqliteStore.open(join(regionDir(dataDir, region), 'people.db'));
    await placePeople(store, region, directory);
    await store.close();
    lastSeq = Math.max(lastSeq, lastSeqIn(join(regionDir(dataDir, region), 'events.db')));
  }
  for (const region of regions) {
    const dir = regionDir(dataDir, region);
    const store = SqliteStore.open(join(dir, 'people.db'));
    await placePeople(store, region, directory);
    people.set(region, store);
    const log = SqliteEventLog.open(join(dir, 'events.db'));
    lastSeq = Math.max(lastSeq, await log.lastSeq());
    logs.set(region, log);
    keys.set(region, DataKeys.open(join(dir, 'data-keys.db'), masterKey));
  }
  return {
    store: new RegionalStore(SqliteStore.open(join(dataDir, 'store.db')), people, directory),
    log: new PersonalEventLog(new RegionalEventLog(logs, directory, lastSeq), new RegionalDataKeys(keys, directory)),
    directory,
  };
}
