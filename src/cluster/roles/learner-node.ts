import { resolveConfig, type MoteurConfigOverrides } from '../../app/config.ts';
import { openCheckpoints, openScaleOut, type BackendOptions } from '../backends.ts';
import { Learner } from '../learner.ts';
import { serveLearnerEndpoints } from '../learner-endpoints.ts';
import { shardFilter, shardLabel, WHOLE_LOG, type LearnerShard } from '../learner-shard.ts';
import { registerNode } from '../node-registry.ts';
import { DeltaStream } from '../model-deltas.ts';

export const DEFAULT_DELTA_EVERY_MS = 100;

export interface LearnerNodeOptions extends BackendOptions {
  checkpointEveryMs: number;
  /** The part of the log to learn from (default: all of it). */
  shard?: LearnerShard | undefined;
  /** A shard of several publishes a model delta this often (ms) and applies the other shards'. */
  deltaEveryMs?: number | undefined;
  /** Where its `/health` and `/metrics` listen (default: a free port on 127.0.0.1). */
  port?: number | undefined;
  host?: string | undefined;
  /** Ready once at most this many messages of its part are not delivered to it yet (default `DEFAULT_READY_LAG_EVENTS`). */
  readyLagEvents?: number | undefined;
  /** The configuration file's engine settings: the learner learns as the API nodes serve (embedding size, learning rates...). */
  engine?: MoteurConfigOverrides | undefined;
}

export const DEFAULT_READY_LAG_EVENTS = 100;

export interface RunningLearner {
  learner: Learner;
  /** Its `/health` and `/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** A learner node (`--role learner [--shard i/N]`): learns from its part of the log and writes model checkpoints. */
export async function startLearnerNode(options: LearnerNodeOptions): Promise<RunningLearner> {
  // The learner learns from everyone: it serves every region the deployment records.
  const { store, sealedLog, log, postgres } = await openScaleOut({ ...options, regions: undefined }, 'learner');
  const close = async () => {
    await log.close();
    await store.close();
  };
  try {
    const shard = options.shard ?? WHOLE_LOG;
    shardFilter(shard, sealedLog.subjects); // refuses a shard count the log is not partitioned by, before anything starts
    const checkpoints = await openCheckpoints(postgres, shard);
    const config = resolveConfig({ ...options.engine, region: postgres.directory.home });
    // A learner of the whole log learns everything itself; shards exchange what they learn.
    const deltas = shard.count > 1 ? { stream: await DeltaStream.open(sealedLog), everyMs: options.deltaEveryMs ?? DEFAULT_DELTA_EVERY_MS } : undefined;
    const learner = await Learner.start({
      sealedLog,
      log,
      store,
      checkpoints,
      residency: postgres.directory,
      config,
      workDir: options.dataDir,
      checkpointEveryMs: options.checkpointEveryMs,
      deltas,
    });
    const label = shardLabel(shard);
    const endpoints = await serveLearnerEndpoints(learner, {
      shard: label,
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      readyLagEvents: options.readyLagEvents ?? DEFAULT_READY_LAG_EVENTS,
    });
    const registration = await registerNode(postgres.shared.pool, postgres.shared.schema, options.dataDir, {
      role: 'learner',
      shard: label,
      regions: postgres.directory.regions,
      url: endpoints.url,
    });
    return {
      learner,
      url: endpoints.url,
      async close() {
        await registration.close();
        await endpoints.close();
        await learner.stop();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
