import { resolveConfig } from '../../app/config.ts';
import { openCheckpoints, openScaleOut, type BackendOptions } from '../backends.ts';
import { Learner } from '../learner.ts';
import { shardFilter, WHOLE_LOG, type LearnerShard } from '../learner-shard.ts';

export interface LearnerNodeOptions extends BackendOptions {
  checkpointEveryMs: number;
  /** The part of the log to learn from (default: all of it). */
  shard?: LearnerShard | undefined;
}

export interface RunningLearner {
  learner: Learner;
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
    const config = resolveConfig({ region: postgres.directory.home });
    const learner = await Learner.start({ sealedLog, log, store, checkpoints, residency: postgres.directory, config, workDir: options.dataDir, checkpointEveryMs: options.checkpointEveryMs });
    return {
      learner,
      async close() {
        await learner.stop();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
