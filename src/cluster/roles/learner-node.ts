import { resolveConfig } from '../../app/config.ts';
import { openScaleOut, type BackendOptions } from '../backends.ts';
import { Checkpoints } from '../checkpoints.ts';
import { Learner } from '../learner.ts';

export interface LearnerNodeOptions extends BackendOptions {
  checkpointEveryMs: number;
}

export interface RunningLearner {
  learner: Learner;
  close(): Promise<void>;
}

/** A learner node (`--role learner`): learns from the log and writes model checkpoints for the serving nodes. */
export async function startLearnerNode(options: LearnerNodeOptions): Promise<RunningLearner> {
  const { store, sealedLog, log } = await openScaleOut(options, 'learner');
  const close = async () => {
    await log.close();
    await store.close();
  };
  try {
    const checkpoints = await Checkpoints.open(store.pool, store.schema);
    const learner = await Learner.start({ sealedLog, log, store, checkpoints, config: resolveConfig({}), workDir: options.dataDir, checkpointEveryMs: options.checkpointEveryMs });
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
