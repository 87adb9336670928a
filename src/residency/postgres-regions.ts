/**
 * Lays a PostgreSQL deployment out by region: the catalog, the ledger and the shared part of model
 * checkpoints in the schema of the store URL (`?schema=moteur`), and each region's personal data (people,
 * what they were served, their refreshes, their data keys, their part of model checkpoints) in a schema of
 * its own, `<schema>_<region>` (`moteur_eu`; a dash in a region name becomes `_`). The regions of a
 * deployment are recorded in the shared schema, so a node knows the people of the regions it does not serve
 * and refuses them.
 */
import { invalid, MoteurError } from '../core/errors.ts';
import { parsePostgresUrl } from '../store/postgres/connection.ts';
import { migrate, type Migration } from '../store/postgres/migrations.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { PostgresDataKeys } from '../trust/crypto/postgres-data-keys.ts';
import { placePeople, REGION_NAME } from './open-regions.ts';
import { PeopleDirectory } from './people-directory.ts';
import { RegionalDataKeys } from './regional-data-keys.ts';
import { RegionalStore } from './regional-store.ts';

const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'regions of the deployment', sql: 'CREATE TABLE regions (name text PRIMARY KEY)' }];

export interface PostgresRegions {
  /** The catalog in the shared schema, each served region's personal tables in its own. */
  store: RegionalStore;
  /** The shared schema's store (catalog, ledger, checkpoints). */
  shared: PostgresStore;
  /** Each served region's store, in its own schema. */
  regionStores: ReadonlyMap<string, PostgresStore>;
  keys: RegionalDataKeys;
  directory: PeopleDirectory;
}

/** The schema of a region's personal data: `<schema>_<region>`, checked to be a PostgreSQL identifier. */
export function regionSchema(schema: string, region: string): string {
  if (!REGION_NAME.test(region)) {
    throw invalid('regions', `"${region}" is not a region name (2 to 16 lower-case letters, digits or dashes, starting with a letter)`);
  }
  const name = `${schema}_${region.replaceAll('-', '_')}`;
  if (name.length > 63)
    throw new MoteurError('invalid_option', `--store: schema ${name} for region ${region} is longer than PostgreSQL's 63 characters: use a shorter ?schema=`, {
      field: 'store',
    });
  return name;
}

const urlWithSchema = (url: string, schema: string): string => {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
};

/**
 * Opens the regions a node serves (`served`, home first; default: `home` and every region the deployment
 * records). Regions recorded but not served are read only for who lives there.
 */
export async function openPostgresRegions(url: string, served: readonly string[] | undefined, home: string, masterKey: Buffer): Promise<PostgresRegions> {
  const { schema } = parsePostgresUrl(url);
  for (const region of served ?? [home]) regionSchema(schema, region);
  const shared = await PostgresStore.open(url);
  const opened: PostgresStore[] = [shared];
  try {
    await migrate(shared.pool, schema, 'residency', MIGRATIONS);
    await shared.pool.query('INSERT INTO regions SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [served ?? [home]]);
    const recorded = (await shared.pool.query<{ name: string }>('SELECT name FROM regions ORDER BY name')).rows.map((r) => r.name);
    const regions = served ?? [home, ...recorded.filter((r) => r !== home)];
    const directory = new PeopleDirectory(regions);
    const regionStores = new Map<string, PostgresStore>();
    const keys = new Map<string, PostgresDataKeys>();
    for (const region of recorded) {
      const store = await PostgresStore.open(urlWithSchema(url, regionSchema(schema, region)));
      opened.push(store);
      await placePeople(store, region, directory);
      // Every region's key table exists (people of other regions are located by it); only served ones are used.
      const regionKeys = await PostgresDataKeys.open(store.pool, store.schema, masterKey);
      if (!regions.includes(region)) continue;
      regionStores.set(region, store);
      keys.set(region, regionKeys);
    }
    // Stores of regions only looked at are closed; served ones in the directory's order.
    for (const store of opened.slice(1)) if (![...regionStores.values()].includes(store)) await store.close();
    const ordered = new Map(regions.map((r) => [r, regionStores.get(r)!]));
    const elsewhere = recorded.filter((r) => !regions.includes(r));
    // Only whether a data key exists, never the key: enough to refuse the person.
    const locate = async (userIds: readonly string[]): Promise<Map<string, string>> => {
      const found = new Map<string, string>();
      for (const region of elsewhere) {
        const { rows } = await shared.pool.query<{ user_id: string }>(`SELECT user_id FROM ${regionSchema(schema, region)}.data_keys WHERE user_id = ANY($1)`, [
          userIds,
        ]);
        for (const r of rows) found.set(r.user_id, region);
      }
      return found;
    };
    return {
      store: new RegionalStore(shared, ordered, directory),
      shared,
      regionStores: ordered,
      keys: new RegionalDataKeys(keys, directory, locate),
      directory,
    };
  } catch (err) {
    for (const store of opened) await store.close();
    throw err;
  }
}
