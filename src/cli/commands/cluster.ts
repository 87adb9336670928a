/** `moteur cluster`: run a whole cluster on one machine (`up`, `down`) and see any cluster's nodes and shards (`status`). */
import { Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readClusterStatus, type ClusterStatus } from '../../cluster/cluster-status.ts';
import { isAlive, LocalCluster, logUrlFor, readClusterFile } from '../../cluster/local-cluster.ts';
import { purgeCluster } from '../../cluster/purge.ts';
import { DEFAULT_DELTA_EVERY_MS } from '../../cluster/roles/learner-node.ts';
import { MoteurError } from '../../core/errors.ts';
import { createMasterKey, masterKeyFingerprint } from '../../trust/crypto/master-key.ts';
import { configOption, loadSettings } from '../config-option.ts';
import { parsePort, parsePositiveInt } from '../options.ts';

const storeOption = () => new Option('--store <url>', "the cluster's store, postgres://...?schema=NAME").env('MOTEUR_STORE').makeOptionMandatory();
const logOption = () => new Option('--log <url>', "the cluster's log, nats://...?stream=NAME&shards=N").env('MOTEUR_LOG').makeOptionMandatory();

/** Rows as left-aligned columns. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}

const shown = (value: number | null, unit = '') => (value === null ? '-' : `${Math.round(value * 10) / 10}${unit}`);

function describe(status: ClusterStatus): string {
  const head = `cluster: schema ${status.schema}, log ${status.stream} (${status.partitions ?? 'no'} partitions), master key ${status.masterKeyFingerprint ?? 'not bound yet'}`;
  const nodes = table(
    ['ROLE', 'SHARD', 'REGIONS', 'VERSION', 'HEALTH', 'LAG', 'CHECKPOINT AGE', 'URL', 'NODE'],
    status.nodes.map((n) => [
      n.role,
      n.shard ?? '-',
      n.regions.join(','),
      n.version,
      n.health,
      n.lagEvents === null ? '-' : `${n.lagEvents} ev ${shown(n.lagSeconds, ' s')}`,
      shown(n.checkpointAgeSeconds, ' s'),
      n.url,
      n.id,
    ]),
  );
  const shards = table(
    ['SHARD', 'HEALTH', 'LAG (events)', 'LAG (s)', 'CHECKPOINT', 'CHECKPOINT AGE', 'LEARNER'],
    status.shards.map((s) => [
      s.shard,
      s.health,
      shown(s.lagEvents),
      shown(s.lagSeconds),
      shown(s.checkpointSeq),
      shown(s.checkpointAgeSeconds, ' s'),
      s.learner ?? '-',
    ]),
  );
  return `${head}\nnodes\n${status.nodes.length === 0 ? '  none recorded' : nodes}\nshards\n${status.shards.length === 0 ? '  none yet' : shards}`;
}

interface UpOptions {
  api: number;
  learners: number;
  store: string;
  log: string;
  data: string;
  masterKey?: string;
  port: number;
  host: string;
  checkpointEvery: number;
  deltaEvery: number;
  restartAfter: number;
  config?: string;
}

export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('Run a cluster on one machine, or watch one, on PostgreSQL and NATS JetStream');
  cluster
    .command('up')
    .description(
      'Start API nodes and learner shards as processes on this machine and keep them running (each restarted when it dies, logs in DATA/logs); Ctrl-C stops them all',
    )
    .option('--api <n>', 'API nodes', parsePositiveInt, 2)
    .option('--learners <m>', "learner shards (the log's partitions: shards=M)", parsePositiveInt, 2)
    .addOption(storeOption())
    .addOption(logOption())
    .requiredOption(
      '--data <dir>',
      'where each process gets its directory (api-0, learner-0, ...), its log (logs/) and the ledger keys; cluster.json says what runs',
    )
    .addOption(new Option('--master-key <file>', "the cluster's master key (default: DATA/master.key, made if missing)").env('MOTEUR_MASTER_KEY'))
    .option('--port <n>', "the first API node's port, the others following (0: free ports)", parsePort, 8080)
    .option('--host <address>', 'address every process listens on', '127.0.0.1')
    .option('--checkpoint-every <seconds>', 'seconds between model checkpoints', parsePositiveInt, 30)
    .option('--delta-every <ms>', 'milliseconds between model deltas', parsePositiveInt, DEFAULT_DELTA_EVERY_MS)
    .option(
      '--restart-after <ms>',
      'a process that died is restarted after this, doubled while it keeps dying within 30 s (up to 10 s or this)',
      parsePositiveInt,
      500,
    )
    .addOption(configOption())
    .action(async (opts: UpOptions) => {
      const data = resolve(opts.data);
      logUrlFor(opts.log, opts.learners); // a log the learners cannot partition is refused before anything is made
      loadSettings(opts.config); // a broken configuration is reported once, before any process starts
      const masterKeyFile = opts.masterKey ?? join(data, 'master.key');
      if (!existsSync(masterKeyFile))
        console.log(`made the cluster's master key ${masterKeyFile} (fingerprint ${masterKeyFingerprint(createMasterKey(masterKeyFile))})`);
      const local = await LocalCluster.up({
        api: opts.api,
        learners: opts.learners,
        storeUrl: opts.store,
        logUrl: opts.log,
        dataDir: data,
        masterKeyFile,
        port: opts.port,
        host: opts.host,
        checkpointEverySeconds: opts.checkpointEvery,
        deltaEveryMs: opts.deltaEvery,
        restartAfterMs: opts.restartAfter,
        configFile: opts.config === undefined ? undefined : resolve(opts.config),
        say: (line) => console.log(line),
      });
      console.log(
        `cluster up: ${opts.api} API node(s) at ${local.apiUrls.join(' ')}, ${opts.learners} learner(s); logs in ${join(data, 'logs')}; Ctrl-C or 'moteur cluster down --data ${opts.data}' stops it all`,
      );
      const stop = async () => {
        await local.down();
        console.log('cluster down');
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  cluster
    .command('down')
    .description("Stop the cluster 'moteur cluster up --data DIR' runs; with --purge, also remove its schemas and streams (its own only)")
    .requiredOption('--data <dir>', "the directory given to 'moteur cluster up'")
    .option('--purge', "remove the cluster's PostgreSQL schemas and JetStream streams", false)
    .action(async (opts: { data: string; purge: boolean }) => {
      const file = readClusterFile(resolve(opts.data));
      if (isAlive(file.supervisorPid)) {
        process.kill(file.supervisorPid, 'SIGTERM');
        for (const deadline = Date.now() + 30_000; isAlive(file.supervisorPid); await new Promise((r) => setTimeout(r, 100))) {
          if (Date.now() > deadline)
            throw new MoteurError(
              'cluster_stop',
              `the cluster's supervisor (pid ${file.supervisorPid}) did not stop within 30 s: kill it, or see its processes in ${join(opts.data, 'cluster.json')}`,
            );
        }
        console.log('cluster stopped');
      }
      if (!opts.purge) return;
      const removed = await purgeCluster(file.storeUrl, file.logUrl);
      console.log(`removed schemas ${removed.schemas.join(', ') || 'none'}; streams ${removed.streams.join(', ') || 'none'}`);
    });
  cluster
    .command('status')
    .description(
      'Every node (role, shard, regions, version, health, lag, checkpoint age) and every learner shard (health, lag from JetStream, newest checkpoint)',
    )
    .addOption(storeOption())
    .addOption(logOption())
    .option('--json', 'print JSON', false)
    .action(async (opts: { store: string; log: string; json: boolean }) => {
      const status = await readClusterStatus(opts.store, opts.log);
      console.log(opts.json ? JSON.stringify(status, null, 2) : describe(status));
    });
}
