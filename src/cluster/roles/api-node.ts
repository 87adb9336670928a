import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { nodeConfig, type MoteurConfigOverrides } from '../../app/config.ts';
import { learnerSnapshotPath, Moteur } from '../../app/moteur.ts';
import { removeRegionalFiles, writeRegionalFiles } from '../../learn/online/regional-snapshot.ts';
import { serveEngine, type RunningServer, type ServeOptions } from '../../server/start.ts';
import { openCheckpoints, openLedger, openScaleOut, type BackendOptions } from '../backends.ts';
import { LogFollower } from '../log-follower.ts';
import { registerNode } from '../node-registry.ts';
import { DeltaStream, NO_DELTAS } from '../model-deltas.ts';
import { MoteurError } from '../../core/errors.ts';
import type { PostgresRegions } from '../../residency/postgres-regions.ts';
import { PostgresLedgerStorage } from '../../trust/ledger/postgres-ledger-storage.ts';
import { SharedKeyRing, SharedKeys } from '../../trust/policy/postgres-keys.ts';

export interface ApiNodeOptions extends BackendOptions {
  port: number;
  host?: string | undefined;
  logger?: boolean | undefined;
  /** `log` (default): learn every event of the log; `deltas`: apply the learner shards' model deltas instead. */
  learnFrom?: 'log' | 'deltas' | undefined;
  /** The configuration file's engine settings (embedding size, feed weights, learning rates...), as the single node takes them. */
  engine?: MoteurConfigOverrides | undefined;
}

export interface RunningApiNode extends RunningServer {
  follower: LogFollower;
}

/**
 * A serving node (`--role api`): ingest appends to the shared log; the models start from the learner's
 * newest checkpoint plus the log after it, then follow the log; or, learning from deltas, from the newest
 * learner shard's checkpoint plus the model deltas after it, then apply the deltas as they come. Nothing it
 * holds is needed once it stops: any number of them run side by side, and one can be killed and replaced at
 * any time.
 */
/* `dataDir` is the node's own directory: its API keys (and by default the ledger's signing key), a copy of the newest model checkpoint. */
export async function startApiNode(options: ApiNodeOptions): Promise<RunningApiNode> {
  const { store, sealedLog, log, postgres } = await openScaleOut(options, 'api');
  const fromDeltas = options.learnFrom === 'deltas';
  const { shards } = sealedLog.subjects;
  if (fromDeltas && shards < 2)
    throw new MoteurError('invalid_option', `--learn-from deltas needs learner shards: the log ${sealedLog.subjects.stream} has one partition`, {
      field: 'learn-from',
    });
  // Learning from deltas, any shard's checkpoint holds the whole model; else the whole log's learner's.
  const checkpoints = await openCheckpoints(postgres, fromDeltas ? { index: 0, count: shards } : undefined);
  mkdirSync(options.dataDir, { recursive: true });
  const snapshotPath = learnerSnapshotPath(options.dataDir);
  const checkpoint = fromDeltas ? await checkpoints.latestOfAnyShard() : await checkpoints.latest();
  // Only the shared checkpoint is trusted: a local copy may predate an erasure made while this node was down.
  removeRegionalFiles(snapshotPath, postgres.directory.regions);
  if (checkpoint !== undefined) writeRegionalFiles(snapshotPath, checkpoint.snapshot);
  const deltas = fromDeltas
    ? { stream: await DeltaStream.open(sealedLog), start: checkpoint?.deltas ?? NO_DELTAS, shards, regions: postgres.directory.regions }
    : undefined;
  const follower = new LogFollower(sealedLog, log, checkpoints, `api-${randomUUID()}`, deltas);
  const config = nodeConfig(options.engine ?? {}, postgres.directory.home, snapshotPath);
  const moteur = await Moteur.over(store, log, await openLedger(options, postgres), config, follower, postgres.directory);
  const server = await serveOnSharedStore(moteur, { dataDir: options.dataDir, port: options.port, host: options.host, logger: options.logger }, postgres);
  const registration = await registerNode(postgres.shared.pool, postgres.shared.schema, options.dataDir, {
    role: 'api',
    shard: null,
    regions: postgres.directory.regions,
    url: server.url,
  }).catch(async (err) => {
    await server.close();
    throw err;
  });
  const close = async () => {
    await registration.close();
    await server.close();
  };
  return { ...server, follower, close };
}

/** Serves an engine whose store is the shared PostgreSQL: its API keys are the cluster's, in the shared schema, kept up to date. */
export async function serveOnSharedStore(moteur: Moteur, options: ServeOptions, postgres: PostgresRegions): Promise<RunningServer> {
  let sharedKeys: SharedKeyRing;
  try {
    const { pool, schema } = postgres.shared;
    // Key changes are recorded in the cluster's ledger, in the transaction that marks them recorded.
    sharedKeys = new SharedKeyRing(await SharedKeys.open(pool, schema), await PostgresLedgerStorage.open(pool, schema));
    await sharedKeys.start();
  } catch (err) {
    await moteur.close();
    throw err;
  }
  // serveEngine closes the engine itself when it fails.
  const server = await serveEngine(moteur, { ...options, sharedKeys }).catch(async (err) => {
    await sharedKeys.close();
    throw err;
  });
  const close = async () => {
    // The keys first: a read in flight needs the store's pool, which closing the server closes.
    await sharedKeys.close();
    await server.close();
  };
  return { ...server, close };
}
