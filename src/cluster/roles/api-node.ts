import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { learnerSnapshotPath, Moteur } from '../../app/moteur.ts';
import { serveEngine, type RunningServer } from '../../server/start.ts';
import { openLedger, openScaleOut, type BackendOptions } from '../backends.ts';
import { Checkpoints } from '../checkpoints.ts';
import { LogFollower } from '../log-follower.ts';

export interface ApiNodeOptions extends BackendOptions {
  port: number;
  host?: string | undefined;
  logger?: boolean | undefined;
  regions?: readonly string[] | undefined;
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
  const { store, sealedLog, log } = await openScaleOut(options, 'api');
  const checkpoints = await Checkpoints.open(store.pool, store.schema);
  mkdirSync(options.dataDir, { recursive: true });
  const snapshotPath = learnerSnapshotPath(options.dataDir);
  const checkpoint = await checkpoints.latest();
  // Only the shared checkpoint is trusted: a local copy may predate an erasure made while this node was down.
  if (checkpoint !== undefined) writeFileSync(snapshotPath, checkpoint.bytes);
  else rmSync(snapshotPath, { force: true });
  const follower = new LogFollower(sealedLog, log, checkpoints, `api-${randomUUID()}`);
  const residency = options.regions === undefined ? undefined : { regions: options.regions };
  const moteur = await Moteur.over(store, log, await openLedger(options, store), { learning: { snapshotPath } }, follower, residency);
  const server = await serveEngine(moteur, { dataDir: options.dataDir, port: options.port, host: options.host, logger: options.logger });
  return { ...server, follower };
}
