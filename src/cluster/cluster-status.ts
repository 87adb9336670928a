/**
 * What `moteur cluster status` shows: every node the shared schema records (role, shard, regions, version,
 * and its own `/health`: lag, checkpoint age, ready or not) and every learner shard as JetStream and the
 * checkpoints see it (its consumer's pending count, its newest checkpoint), so a shard whose learner is down
 * still shows how far behind it falls.
 */
import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type pg from 'pg';
import { MoteurError } from '../core/errors.ts';
import { parseNatsUrl } from '../log/nats/nats-url.ts';
import { openPool, parsePostgresUrl } from '../store/postgres/connection.ts';
import { shardLabel, shardOfConsumer } from './learner-shard.ts';
import { ALIVE_WITHIN_MS, listNodes, type RegisteredNode } from './node-registry.ts';
import { messageOf } from '../core/thrown.ts';

const HEALTH_TIMEOUT_MS = 2000;
const STREAM_NOT_FOUND = 10059;

export type Health = 'ready' | 'catching_up' | 'down' | 'unreachable';

export interface NodeStatus extends RegisteredNode {
  health: Health;
  lagEvents: number | null;
  lagSeconds: number | null;
  checkpointAgeSeconds: number | null;
}

export interface ShardStatus {
  shard: string;
  health: Health;
  /** Messages of its part its consumer has not delivered (null when it has no consumer yet). */
  lagEvents: number | null;
  lagSeconds: number | null;
  checkpointSeq: number | null;
  checkpointAgeSeconds: number | null;
  /** The node learning it, if one is alive. */
  learner: string | null;
}

export interface ClusterStatus {
  schema: string;
  stream: string;
  /** As the log's order stream was created with (null before it exists). */
  partitions: number | null;
  masterKeyFingerprint: string | null;
  nodes: NodeStatus[];
  shards: ShardStatus[];
}

/** What a node's `/health` says, or why it says nothing. */
async function healthOf(node: RegisteredNode): Promise<Pick<NodeStatus, 'health' | 'lagEvents' | 'lagSeconds' | 'checkpointAgeSeconds'>> {
  const none = { lagEvents: null, lagSeconds: null, checkpointAgeSeconds: null };
  if (node.silentForMs > ALIVE_WITHIN_MS) return { health: 'down', ...none };
  try {
    const res = await fetch(`${node.url}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    const body = (await res.json()) as {
      status?: string;
      lagEvents?: number;
      lagSeconds?: number | null;
      checkpointAgeSeconds?: number | null;
      learning?: { pendingEvents: number };
    };
    if (node.role !== 'learner') return { health: res.ok ? 'ready' : 'unreachable', ...none, lagEvents: body.learning?.pendingEvents ?? null };
    return {
      health: body.status === 'ready' ? 'ready' : 'catching_up',
      lagEvents: body.lagEvents ?? null,
      lagSeconds: body.lagSeconds ?? null,
      checkpointAgeSeconds: body.checkpointAgeSeconds ?? null,
    };
  } catch {
    return { health: 'unreachable', ...none };
  }
}

async function tableExists(pool: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  return rows[0]?.found != null;
}

/** Reads the cluster's state from its store (`postgres://...?schema=`) and log (`nats://...?stream=`). */
export async function readClusterStatus(storeUrl: string, logUrl: string): Promise<ClusterStatus> {
  const target = parsePostgresUrl(storeUrl);
  const log = parseNatsUrl(logUrl);
  const pool = openPool(target, 2);
  try {
    if (!(await tableExists(pool, 'moteur_migrations'))) {
      throw new MoteurError('no_cluster', `no cluster in schema ${target.schema} of ${target.connectionString}: check --store (or MOTEUR_STORE)`, {
        field: 'store',
      });
    }
    const nodes = await listNodes(pool);
    const statuses: NodeStatus[] = await Promise.all(nodes.map(async (n) => ({ ...n, ...(await healthOf(n)) })));
    const fingerprint = (await tableExists(pool, 'master_key'))
      ? ((await pool.query<{ fingerprint: string }>('SELECT fingerprint FROM master_key')).rows[0]?.fingerprint ?? null)
      : null;
    const checkpoints = new Map<string, { seq: number; ageSeconds: number }>();
    if (await tableExists(pool, 'model_checkpoints')) {
      const { rows } = await pool.query<{ shards: number; shard: number; seq: number; age: number }>(
        'SELECT shards, shard, max(seq) AS seq, extract(epoch FROM now() - max(written_at))::float8 AS age FROM model_checkpoints GROUP BY shards, shard',
      );
      for (const r of rows) checkpoints.set(`${r.shard}/${r.shards}`, { seq: r.seq, ageSeconds: r.age });
    }
    const { partitions, consumers } = await readLog(log.servers, log.stream);
    const labels = new Set([...consumers.keys(), ...checkpoints.keys(), ...nodes.flatMap((n) => (n.shard === null ? [] : [n.shard]))]);
    const shards = [...labels].sort().map((shard): ShardStatus => {
      const learner = statuses.find((n) => n.role === 'learner' && n.shard === shard && (n.health === 'ready' || n.health === 'catching_up'));
      const checkpoint = checkpoints.get(shard);
      return {
        shard,
        health: learner?.health ?? 'down',
        // With no learner alive, what a restart must take again includes the messages the dead one had been
        // handed but not acknowledged (a pull it left open keeps taking new ones until it expires).
        lagEvents: lagOf(consumers.get(shard), learner === undefined),
        lagSeconds: learner?.lagSeconds ?? null,
        checkpointSeq: checkpoint?.seq ?? null,
        checkpointAgeSeconds: checkpoint === undefined ? null : Math.round(checkpoint.ageSeconds * 10) / 10,
        learner: learner?.id ?? null,
      };
    });
    return { schema: target.schema, stream: log.stream, partitions, masterKeyFingerprint: fingerprint, nodes: statuses, shards };
  } finally {
    await pool.end();
  }
}

interface ConsumerBacklog {
  /** Messages not delivered to the consumer yet. */
  pending: number;
  /** Messages delivered and not acknowledged (acknowledged up to each checkpoint). */
  unacknowledged: number;
}

function lagOf(backlog: ConsumerBacklog | undefined, down: boolean): number | null {
  if (backlog === undefined) return null;
  return down ? backlog.pending + backlog.unacknowledged : backlog.pending;
}

/** The log's partition count as its order stream records it, and each learner shard's consumer with its backlog. */
async function readLog(servers: string[], stream: string): Promise<{ partitions: number | null; consumers: Map<string, ConsumerBacklog> }> {
  const nc = await connect({ servers, name: `moteur-status-${process.pid}` }).catch((err: unknown) => {
    throw new MoteurError('log_unavailable', `NATS at ${servers.join(',')} does not answer (${messageOf(err)}): check --log (or MOTEUR_LOG)`, { field: 'log' });
  });
  try {
    const jsm = await jetstreamManager(nc);
    const found = new Map<string, ConsumerBacklog>();
    let partitions: number | null = null;
    try {
      const { config } = await jsm.streams.info(stream);
      partitions = Number(/shards=(\d+)/.exec(config.description ?? '')?.[1] ?? Number.NaN) || null;
      for await (const info of jsm.consumers.list(stream)) {
        const shard = shardOfConsumer(stream, info.name);
        if (shard !== undefined) found.set(shardLabel(shard), { pending: info.num_pending, unacknowledged: info.num_ack_pending });
      }
    } catch (err) {
      // No stream yet: no node ever opened the log, so no shard has a consumer.
      if (!(err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND)) throw err;
    }
    return { partitions, consumers: found };
  } finally {
    await nc.close();
  }
}
