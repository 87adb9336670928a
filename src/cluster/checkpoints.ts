import type pg from 'pg';
import type { RegionalSnapshot } from '../learn/online/regional-snapshot.ts';
import { inTransaction } from '../store/postgres/connection.ts';
import { migrate, type Migration } from '../store/postgres/migrations.ts';
import { shardLabel, WHOLE_LOG, type LearnerShard } from './learner-shard.ts';
import type { DeltaCursor } from './model-deltas.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'model checkpoints and the erasure epoch',
    sql: `
      CREATE TABLE model_checkpoints (seq bigint PRIMARY KEY, epoch bigint NOT NULL, bytes bytea NOT NULL, written_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE erasure_epoch (one boolean PRIMARY KEY DEFAULT true CHECK (one), epoch bigint NOT NULL);
      INSERT INTO erasure_epoch VALUES (true, 0);`,
  },
  {
    version: 2,
    name: 'one checkpoint per learner shard',
    sql: `
      ALTER TABLE model_checkpoints ADD COLUMN shard integer NOT NULL DEFAULT 0, ADD COLUMN shards integer NOT NULL DEFAULT 1;
      ALTER TABLE model_checkpoints DROP CONSTRAINT model_checkpoints_pkey, ADD PRIMARY KEY (shards, shard, seq);`,
  },
  { version: 3, name: 'where each checkpoint stands in the model delta stream', sql: 'ALTER TABLE model_checkpoints ADD COLUMN deltas jsonb' },
];

/** Each region's part of a checkpoint (its people's model rows) lives in that region's schema. */
const PART_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'model checkpoint parts',
    sql: 'CREATE TABLE model_checkpoint_parts (shards integer NOT NULL, shard integer NOT NULL, seq bigint NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (shards, shard, seq))',
  },
];

export interface Checkpoint {
  /** The log position it contains every event up to (and none after). */
  seq: number;
  /** The shared part (item-level state) and each region's part (see src/learn/online/regional-snapshot.ts). */
  snapshot: RegionalSnapshot;
  /** For a learner shard that exchanges model deltas: the deltas its state holds. */
  deltas?: DeltaCursor | undefined;
}

interface CheckpointRow {
  shard: number;
  seq: number;
  bytes: Buffer;
  deltas: DeltaCursor | null;
}

/** A region's schema, and a pool whose connections use it (for its migrations). */
export interface RegionSchema {
  pool: pg.Pool;
  schema: string;
}

/**
 * One learner shard's model checkpoints in PostgreSQL: its learned state at a log position, the position
 * inside it, written in one transaction, so state and position always agree: the shared part in the shared
 * schema, each region's part in that region's schema (one database, so one transaction). Only the newest is
 * kept per shard; the whole log's learner is shard 0/1, whose checkpoints serving nodes start from.
 *
 * Erasure: a checkpoint may hold a person who is then erased. Each erasure bumps the erasure epoch and
 * deletes every checkpoint in one transaction; a checkpoint is written only if no erasure happened since the
 * learner applied the last one it knows of, so a stale state can never come back.
 */
export class Checkpoints {
  static async open(pool: pg.Pool, schema: string, regions: ReadonlyMap<string, RegionSchema>, shard: LearnerShard = WHOLE_LOG): Promise<Checkpoints> {
    await migrate(pool, schema, 'learner', MIGRATIONS);
    for (const region of regions.values()) await migrate(region.pool, region.schema, 'learner-parts', PART_MIGRATIONS);
    return new Checkpoints(pool, schema, new Map([...regions].map(([name, r]) => [name, r.schema])), shard);
  }

  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    /** Region → the schema its part goes to. */
    private readonly partSchemas: ReadonlyMap<string, string>,
    readonly shard: LearnerShard,
  ) {}

  private get key(): [number, number] {
    return [this.shard.count, this.shard.index];
  }

  /** Holds the shard's learner role until the returned release (or the process's death): one learner at a time per shard and schema. */
  async claimLearner(): Promise<() => Promise<void>> {
    const lock = `moteur-learner:${this.schema}:${shardLabel(this.shard)}`;
    const client = await this.pool.connect();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lock]);
    if (!rows[0]!.ok) {
      client.release();
      throw new Error(`another learner of shard ${shardLabel(this.shard)} is running on this store`);
    }
    return async () => {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]).catch(() => undefined);
      client.release();
    };
  }

  /** The newest checkpoint, with the parts of the regions this node knows (the loader checks they are all there). */
  async latest(): Promise<Checkpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(
      'SELECT shard, seq, bytes, deltas FROM model_checkpoints WHERE shards = $1 AND shard = $2 ORDER BY seq DESC LIMIT 1',
      this.key,
    );
    return this.withParts(rows[0]);
  }

  /**
   * The most recently written checkpoint of any shard of this shard count. With model deltas every shard holds
   * the whole model, so a serving node starts from whichever is newest.
   */
  async latestOfAnyShard(): Promise<Checkpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(
      'SELECT shard, seq, bytes, deltas FROM model_checkpoints WHERE shards = $1 ORDER BY written_at DESC LIMIT 1',
      [this.shard.count],
    );
    return this.withParts(rows[0]);
  }

  private async withParts(row: CheckpointRow | undefined): Promise<Checkpoint | undefined> {
    if (row === undefined) return undefined;
    const { shard, seq } = row;
    const parts = new Map<string, Uint8Array>();
    for (const [region, schema] of this.partSchemas) {
      const part = await this.pool.query<{ bytes: Buffer }>(
        `SELECT bytes FROM ${schema}.model_checkpoint_parts WHERE shards = $1 AND shard = $2 AND seq = $3`,
        [this.shard.count, shard, seq],
      );
      if (part.rows[0] !== undefined) parts.set(region, new Uint8Array(part.rows[0].bytes));
    }
    return { seq, snapshot: { shared: new Uint8Array(row.bytes), parts }, ...(row.deltas !== null && { deltas: row.deltas }) };
  }

  /** The newest checkpoint's position, without its bytes. */
  async latestSeq(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ seq: number }>('SELECT MAX(seq) AS seq FROM model_checkpoints WHERE shards = $1 AND shard = $2', this.key);
    return rows[0]?.seq ?? undefined;
  }

  async epoch(): Promise<number> {
    return (await this.pool.query<{ epoch: number }>('SELECT epoch FROM erasure_epoch')).rows[0]!.epoch;
  }

  /** Writes a checkpoint taken with every erasure up to `epoch` applied; false (nothing written) if one came since. */
  async write(checkpoint: Checkpoint, epoch: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const current = (await client.query<{ epoch: number }>('SELECT epoch FROM erasure_epoch FOR SHARE')).rows[0]!.epoch;
      if (current !== epoch) return false;
      await client.query(
        `INSERT INTO model_checkpoints (shards, shard, seq, epoch, bytes, deltas) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (shards, shard, seq) DO UPDATE SET bytes = excluded.bytes, epoch = excluded.epoch, deltas = excluded.deltas, written_at = now()`,
        [
          ...this.key,
          checkpoint.seq,
          epoch,
          Buffer.from(checkpoint.snapshot.shared),
          checkpoint.deltas === undefined ? null : JSON.stringify(checkpoint.deltas),
        ],
      );
      await client.query('DELETE FROM model_checkpoints WHERE shards = $1 AND shard = $2 AND seq < $3', [...this.key, checkpoint.seq]);
      for (const [region, bytes] of checkpoint.snapshot.parts) {
        const schema = this.partSchemas.get(region);
        if (schema === undefined) throw new Error(`the checkpoint has a part for region ${region}, which has no schema here`);
        await client.query(
          `INSERT INTO ${schema}.model_checkpoint_parts (shards, shard, seq, bytes) VALUES ($1, $2, $3, $4)
           ON CONFLICT (shards, shard, seq) DO UPDATE SET bytes = excluded.bytes`,
          [...this.key, checkpoint.seq, Buffer.from(bytes)],
        );
        await client.query(`DELETE FROM ${schema}.model_checkpoint_parts WHERE shards = $1 AND shard = $2 AND seq <> $3`, [...this.key, checkpoint.seq]);
      }
      return true;
    });
  }

  /** For an erasure: deletes every checkpoint, of every shard, and opens a new epoch, returned. */
  async forgetAll(): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ epoch: number }>('UPDATE erasure_epoch SET epoch = epoch + 1 RETURNING epoch');
      await client.query('DELETE FROM model_checkpoints');
      for (const schema of this.partSchemas.values()) await client.query(`DELETE FROM ${schema}.model_checkpoint_parts`);
      return rows[0]!.epoch;
    });
  }
}
