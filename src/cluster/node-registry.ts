/**
 * Every node of a cluster says, in the shared schema, who it is and that it is alive: its role, shard,
 * regions, version and the address of its `/health` and `/metrics`, renewed every `HEARTBEAT_MS`.
 * `moteur cluster status` reads it. A node is named by its host and data directory, so a node restarted
 * on the same directory replaces its own row, and one that died and did not come back stays, seen last
 * when it died.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type pg from 'pg';
import { migrate, type Migration } from '../store/postgres/migrations.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cluster nodes',
    sql: `CREATE TABLE cluster_nodes (id text PRIMARY KEY, role text NOT NULL, shard text, regions text[] NOT NULL, version text NOT NULL,
      url text NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL DEFAULT now(), seen_at timestamptz NOT NULL DEFAULT now())`,
  },
];

export const HEARTBEAT_MS = 1000;
/** A node not heard from for this long is down. */
export const ALIVE_WITHIN_MS = 5000;

/** moteur's version, from its package.json. */
export const MOTEUR_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export interface NodeInfo {
  role: 'api' | 'learner' | 'all';
  /** A learner's part of the log, `i/N`; null for a serving node. */
  shard: string | null;
  regions: readonly string[];
  /** Where its `/health` and `/metrics` answer. */
  url: string;
}

export interface RegisteredNode extends NodeInfo {
  id: string;
  version: string;
  pid: number;
  startedAt: string;
  /** Milliseconds since its last heartbeat. */
  silentForMs: number;
}

/** Records the node and renews its heartbeat until `close` (which removes it: a node stopped on purpose is not down). */
export async function registerNode(pool: pg.Pool, schema: string, dataDir: string, info: NodeInfo): Promise<{ id: string; close(): Promise<void> }> {
  await migrate(pool, schema, 'cluster-nodes', MIGRATIONS);
  const id = `${hostname()}:${resolve(dataDir)}`;
  await pool.query(
    `INSERT INTO cluster_nodes (id, role, shard, regions, version, url, pid) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET role = $2, shard = $3, regions = $4, version = $5, url = $6, pid = $7, started_at = now(), seen_at = now()`,
    [id, info.role, info.shard, info.regions, MOTEUR_VERSION, info.url, process.pid],
  );
  let beating: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    // A missed beat (PostgreSQL restarting) is only a late one.
    beating = pool.query('UPDATE cluster_nodes SET seen_at = now() WHERE id = $1 AND pid = $2', [id, process.pid]).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    async close() {
      clearInterval(timer);
      await beating;
      await pool.query('DELETE FROM cluster_nodes WHERE id = $1 AND pid = $2', [id, process.pid]).catch(() => undefined);
    },
  };
}

/** Every node recorded, with how long each has been silent (none before the first node started). */
export async function listNodes(pool: pg.Pool): Promise<RegisteredNode[]> {
  const { rows: table } = await pool.query<{ found: string | null }>("SELECT to_regclass('cluster_nodes')::text AS found");
  if (table[0]?.found == null) return [];
  const { rows } = await pool.query<{
    id: string;
    role: NodeInfo['role'];
    shard: string | null;
    regions: string[];
    version: string;
    url: string;
    pid: number;
    started_at: Date;
    silent_ms: number;
  }>(
    'SELECT id, role, shard, regions, version, url, pid, started_at, (extract(epoch FROM now() - seen_at) * 1000)::float8 AS silent_ms FROM cluster_nodes ORDER BY role, shard, id',
  );
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    shard: r.shard,
    regions: r.regions,
    version: r.version,
    url: r.url,
    pid: r.pid,
    startedAt: r.started_at.toISOString(),
    silentForMs: Math.round(r.silent_ms),
  }));
}
