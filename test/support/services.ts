/**
 * The local PostgreSQL and NATS JetStream that scripts/services.sh starts (CI always has them). Test files
 * that need one skip, saying why, only when it does not answer.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import pg from 'pg';
import { after } from 'node:test';
import { deleteLogStreams } from '../../src/log/nats/nats-event-log.ts';

export const POSTGRES_URL = process.env.MOTEUR_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env.MOTEUR_TEST_NATS ?? 'nats://127.0.0.1:4222';

async function answers(probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}

const postgresAnswers = answers(async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.end();
});

const natsAnswers = answers(async () => {
  const nc = await connectNats({ servers: NATS_URL, timeout: 2000, maxReconnectAttempts: 0 });
  await nc.close();
});

/** undefined when PostgreSQL answers, else the reason to skip (for node:test's `skip`). */
export async function postgresMissing(): Promise<string | undefined> {
  return (await postgresAnswers) ? undefined : `PostgreSQL does not answer at ${POSTGRES_URL}: run scripts/services.sh`;
}

export async function natsMissing(): Promise<string | undefined> {
  return (await natsAnswers) ? undefined : `NATS JetStream does not answer at ${NATS_URL}: run scripts/services.sh`;
}

let schemas = 0;
/** A PostgreSQL URL on a schema of its own, dropped with its regions' schemas (`<schema>_<region>`) when the test file ends. */
export function freshPostgresUrl(): string {
  const schema = `moteur_t${process.pid}_${Date.now() % 1_000_000}_${++schemas}`;
  after(async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name = $1 OR schema_name LIKE $2`,
      [schema, `${schema}\\_%`],
    );
    for (const { name } of rows) await dropSchema(client, name);
    await client.end();
  });
  return `${POSTGRES_URL}?schema=${schema}`;
}

/** PostgreSQL's error code when it broke a deadlock by aborting this statement. */
const DEADLOCK_DETECTED = '40P01';

/**
 * Drops a schema; a node of the test still writing to it (the hooks that stop it may run after this one) can
 * deadlock with the drop, and PostgreSQL then aborts one of the two: the drop is tried again.
 */
async function dropSchema(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== DEADLOCK_DETECTED || attempt === 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

let streams = 0;
/** A log URL on streams of their own (`<name>` and `<name>_*`), deleted when the test file ends. */
export function freshNatsUrl(params = 'shards=4'): string {
  const stream = `moteur_t${process.pid}_${Date.now() % 1_000_000}_${++streams}`;
  after(async () => {
    const nc = await connectNats({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    await deleteLogStreams(jsm, stream);
    await nc.close();
  });
  return `${NATS_URL}?stream=${stream}&${params}`;
}
