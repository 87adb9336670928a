/**
 * Removes one cluster's data (`moteur cluster down --purge`): its schemas in PostgreSQL (the shared one of
 * the store URL and `<schema>_<region>` for each region it records) and its streams in JetStream (the
 * order, the deltas, and each recorded region's events and delta people), named exactly:
 * nothing of another cluster sharing the database or the server, even one whose names start the same.
 */
import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { LogSubjects } from '../log/nats/subjects.ts';
import { parseNatsUrl } from '../log/nats/nats-url.ts';
import { regionSchema } from '../residency/postgres-regions.ts';
import { openPool, parsePostgresUrl } from '../store/postgres/connection.ts';

const STREAM_NOT_FOUND = 10059;

export async function purgeCluster(storeUrl: string, logUrl: string): Promise<{ schemas: string[]; streams: string[] }> {
  const target = parsePostgresUrl(storeUrl);
  const pool = openPool(target, 1);
  const schemas: string[] = [];
  let regions: string[] = [];
  try {
    const { rows } = await pool.query<{ found: string | null }>("SELECT to_regclass('regions')::text AS found");
    if (rows[0]?.found != null) regions = (await pool.query<{ name: string }>('SELECT name FROM regions')).rows.map((r) => r.name);
    for (const schema of [...regions.map((r) => regionSchema(target.schema, r)), target.schema]) {
      const { rowCount } = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      if (rowCount === 0) continue;
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      schemas.push(schema);
    }
  } finally {
    await pool.end();
  }
  const log = parseNatsUrl(logUrl);
  const subjects = new LogSubjects(log.stream, log.shards);
  const names = [
    log.stream,
    `${log.stream}_ids`, // the id claims of a log of the earlier layout
    subjects.deltasStream,
    subjects.moderationStream,
    ...regions.flatMap((r) => [subjects.regionStream(r), subjects.deltaPeopleStream(r)]),
  ];
  const nc = await connect({ servers: log.servers, name: `moteur-purge-${process.pid}` });
  const streams: string[] = [];
  try {
    const jsm = await jetstreamManager(nc);
    for (const name of names) {
      const deleted = await jsm.streams.delete(name).catch((err: unknown) => {
        if (err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND) return false;
        throw err;
      });
      if (deleted) streams.push(name);
    }
  } finally {
    await nc.close();
  }
  return { schemas, streams };
}
