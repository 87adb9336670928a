import pg from 'pg';

/** int8 (bigint, COUNT(*), bigserial) as a JavaScript number, refusing any value a double cannot hold exactly. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`PostgreSQL bigint ${text} is outside the exactly representable range`);
  return n;
}

const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresTarget {
  /** The connection string without moteur's own parameters. */
  connectionString: string;
  /** Schema holding moteur's tables (`?schema=` in the URL, default `moteur`): one per region or per test run. */
  schema: string;
}

/** Reads `postgres://user@host:port/db?schema=name`; the schema name must be a plain identifier. */
export function parsePostgresUrl(url: string): PostgresTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`${url}: a PostgreSQL URL starts with postgres://`);
  }
  const schema = parsed.searchParams.get('schema') ?? 'moteur';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema '${schema}': use lower-case letters, digits and _`);
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/** A pool whose connections all use the schema, with bigints parsed exactly. */
export function openPool(target: PostgresTarget, max = 8): pg.Pool {
  return new pg.Pool({ connectionString: target.connectionString, max, types, options: `-c search_path=${target.schema}` });
}

/** Runs `work` in one transaction on one connection, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
