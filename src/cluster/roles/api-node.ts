import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { learnerSnapshotPath, Moteur } from '../../app/moteur.ts';
import { removeRegionalFiles, writeRegionalFiles } from '../../learn/online/regional-snapshot.ts';
import { serveEngine, type RunningServer } from '../../server/start.ts';
import { openCheckpoints, openLedger, openScaleOut, type BackendOptions } from '../backends.ts';
import { LogFollower } from '../log-follower.ts';

export interface ApiNodeOptions extends BackendOptions {
  port: number;
  host?: string | undefined;
  logger?: boolean | undefined;
}

export interface RunningApiNode extends RunningServer {
  follower: LogFollower;
}

/**
 * A serving node (`--role api`): ingest appends to the shared log; the models start from the learner's
 * newest checkpoint plus the log after it, then follow the log. Nothing it holds is needed once it stops:
 * any number of them run side by side, and one can be killed and replaced at any time.
 */
/* `dataDir` is the node's own directory: its API keys (and by default the ledger's signing key), a copy of the newest model checkpoint. */
export async function startApiNode(options: ApiNodeOptions): Promise<RunningApiNode> {
  const { store, sealedLog, log, postgres } = await openScaleOut(options, 'api');
  const checkpoints = await openCheckpoints(postgres);
  mkdirSync(options.dataDir, { recursive: true });
  const snapshotPath = learnerSnapshotPath(options.dataDir);
  const checkpoint = await checkpoints.latest();
  // Only the shared checkpoint is trusted: a local copy may predate an erasure made while this node was down.
  removeRegionalFiles(snapshotPath, postgres.directory.regions);
  if (checkpoint !== undefined) writeRegionalFiles(snapshotPath, checkpoint.snapshot);
  const follower = new LogFollower(sealedLog, log, checkpoints, `api-${randomUUID()}`);
  const config = { region: postgres.directory.home, learning: { snapshotPath } };
  const moteur = await Moteur.over(store, log, await openLedger(options, postgres), config, follower, postgres.directory);
  const server = await serveEngine(moteur, { dataDir: options.dataDir, port: options.port, host: options.host, logger: options.logger });
  return { ...server, follower };
}
