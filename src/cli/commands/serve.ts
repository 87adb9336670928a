import { Option, type Command } from 'commander';
import { learnerSnapshotPath, Moteur } from '../../app/moteur.ts';
import { makePrivateDir } from '../../core/private-files.ts';
import { openBackends, openLedger } from '../../cluster/backends.ts';
import { serveOnSharedStore, startApiNode } from '../../cluster/roles/api-node.ts';
import { shardLabel, type LearnerShard } from '../../cluster/learner-shard.ts';
import { DEFAULT_DELTA_EVERY_MS, DEFAULT_READY_LAG_EVENTS, startLearnerNode } from '../../cluster/roles/learner-node.ts';
import { engineOverrides, serverSettings } from '../../app/config-file.ts';
import { DEFAULT_SERVER } from '../../app/config-schema.ts';
import { nodeConfig, type MoteurConfigOverrides } from '../../app/config.ts';
import { serveEngine, startServer, type RunningServer } from '../../server/start.ts';
import { configOption, loadSettings } from '../config-option.ts';
import { parseNonNegativeInt, parsePort, parsePositiveInt, parseRegions, parseShard } from '../options.ts';
import { messageOf } from '../../core/thrown.ts';

interface ServeOptions {
  data?: string;
  config?: string;
  store?: string;
  log?: string;
  masterKey?: string;
  ledgerKeys?: string;
  role: 'all' | 'api' | 'learner';
  checkpointEvery: number;
  deltaEvery: number;
  learnFrom: 'log' | 'deltas';
  shard?: LearnerShard;
  port?: number;
  readyLag: number;
  host?: string;
  regions?: string[];
  logRequests: boolean;
}

/** What serving needs once the flags, the environment and the configuration file have each had their say. */
interface Resolved extends ServeOptions {
  data: string;
  host: string;
  engine: MoteurConfigOverrides;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API on a data directory (embedded store), or one role of a cluster on PostgreSQL and NATS JetStream')
    .option(
      '--data <dir>',
      "data directory (created if missing): the embedded store and log, the audit ledger and API keys; a learner's scratch files (default: dataDir of the configuration)",
    )
    .addOption(
      new Option(
        '--store <url>',
        "postgres://user@host:port/db[?schema=name] (default: SQLite in --data); each region's personal data goes to schema <name>_<region>",
      ).env('MOTEUR_STORE'),
    )
    .addOption(new Option('--log <url>', 'nats://host:port[,host:port][?stream=moteur&shards=4] (default: SQLite in --data)').env('MOTEUR_LOG'))
    .addOption(
      new Option(
        '--master-key <file>',
        "the key wrapping people's data keys (default: master.key in --data, made on first use by a single node); a cluster's nodes use the one 'moteur keys master create' made, never a new one",
      ).env('MOTEUR_MASTER_KEY'),
    )
    .addOption(
      new Option(
        '--ledger-keys <dir>',
        "the audit ledger's signing key and commitment salt (ledger.key, ledger.salt; made if missing); every node of a cluster uses the same (default: ledger/ in --data)",
      ).env('MOTEUR_LEDGER_KEYS'),
    )
    .addOption(
      new Option(
        '--role <role>',
        'all: one process does everything; api: a serving node (ingest and feeds); learner: learns from the log and writes model checkpoints',
      )
        .choices(['all', 'api', 'learner'])
        .default('all'),
    )
    .option('--checkpoint-every <seconds>', 'learner: seconds between model checkpoints', parsePositiveInt, 30)
    .option(
      '--shard <i/N>',
      "learner: learn only from the people of the log's partition i of N (N = the log's shards=); shards exchange model deltas",
      parseShard,
    )
    .option('--delta-every <ms>', 'learner shard: milliseconds between model deltas', parsePositiveInt, DEFAULT_DELTA_EVERY_MS)
    .addOption(
      new Option('--learn-from <source>', "api: 'log' learns every event of the log; 'deltas' applies the learner shards' model deltas instead")
        .choices(['log', 'deltas'])
        .default('log'),
    )
    .addOption(
      new Option(
        '--port <n>',
        `TCP port, 0 picks a free one (default: port of the configuration, ${DEFAULT_SERVER.port}; for a learner's /health and /metrics a free one)`,
      )
        .argParser(parsePort)
        .env('MOTEUR_PORT'),
    )
    .option(
      '--ready-lag <events>',
      'learner: /health says ready once at most this many messages of its part are not delivered to it yet',
      parseNonNegativeInt,
      DEFAULT_READY_LAG_EVENTS,
    )
    .addOption(new Option('--host <address>', `address to listen on (default: host of the configuration, ${DEFAULT_SERVER.host})`).env('MOTEUR_HOST'))
    .option(
      '--regions <list>',
      'regions this node serves, comma-separated, home region first (default: the configured region and every region it holds people of); a person of another region is refused',
      parseRegions,
    )
    .option('--log-requests', 'log every request as JSON lines', false)
    .addOption(configOption())
    .action(async (given: ServeOptions) => {
      const opts = resolveOptions(given);
      if (opts.role === 'learner') {
        makePrivateDir(opts.data);
        const node = await startLearnerNode({
          ...backendsOf(opts),
          checkpointEveryMs: opts.checkpointEvery * 1000,
          shard: opts.shard,
          deltaEveryMs: opts.deltaEvery,
          port: opts.port,
          host: opts.host,
          readyLagEvents: opts.readyLag,
          engine: opts.engine,
        });
        const part = opts.shard === undefined ? 'the whole log' : `shard ${shardLabel(opts.shard)}`;
        console.log(
          `moteur learner (${part}) ready at log position ${node.learner.position}; a checkpoint every ${opts.checkpointEvery} s; /health and /metrics on ${node.url}`,
        );
        stopOnSignals(() => node.close());
        return;
      }
      const server = await startServing(opts);
      const regions = server.access.authorizer.regions.join(',');
      const what = opts.role === 'api' ? 'moteur api node' : 'moteur';
      console.log(
        `${what} listening on ${server.url} (data in ${opts.data}, regions ${regions}, policies ${server.access.policyVersion}); OpenAPI at ${server.url}/openapi.json, the web console at ${server.url}/`,
      );
      console.log(`started in ${server.moteur.startPhases}`);
      if (server.access.authorizer.keys().length === 0) {
        const where = opts.store === undefined ? `--data ${opts.data}` : '--store URL';
        const then = opts.store === undefined ? ' (picked up within a second)' : ': every node of the cluster accepts it within a second';
        console.log(`no API key yet: create one with 'moteur keys create ${where} --id NAME --role app --regions ${regions}'${then}`);
      }
      // SIGHUP re-reads the policies and the keys file; a broken file is reported and nothing changes.
      process.on('SIGHUP', () => {
        try {
          const { label } = server.access.reload('signal:SIGHUP');
          console.log(`policies and keys reloaded: ${label}`);
        } catch (err) {
          console.error(`reload refused: ${messageOf(err)}`);
        }
      });
      stopOnSignals(() => server.close());
    });
}

/** Flags and the environment win over the configuration file, which wins over the defaults. */
function resolveOptions(given: ServeOptions): Resolved {
  const settings = loadSettings(given.config);
  const server = serverSettings(settings);
  return {
    ...given,
    data: given.data ?? server.dataDir,
    // A learner without a port of its own serves /health and /metrics on a free one.
    port: given.port ?? (given.role === 'learner' && !('port' in settings.values) ? undefined : server.port),
    host: given.host ?? server.host,
    regions: given.regions ?? server.regions,
    engine: engineOverrides(settings),
  };
}

const backendsOf = (opts: Resolved) => ({
  storeUrl: opts.store,
  logUrl: opts.log,
  dataDir: opts.data,
  masterKeyFile: opts.masterKey,
  ledgerKeysDir: opts.ledgerKeys,
  regions: opts.regions,
});

async function startServing(opts: Resolved): Promise<RunningServer> {
  const listen = {
    dataDir: opts.data,
    port: opts.port ?? DEFAULT_SERVER.port,
    host: opts.host,
    logger: opts.logRequests,
    regions: opts.regions,
    onKeysFile: (message: string) => console.log(message),
  };
  if (opts.role === 'api') return startApiNode({ ...backendsOf(opts), ...listen, learnFrom: opts.learnFrom, engine: opts.engine });
  if (opts.store === undefined && opts.log === undefined && opts.masterKey === undefined && opts.ledgerKeys === undefined)
    return startServer({ ...opts.engine, ...listen });
  // One process on the scale-out store and log (or one of them).
  makePrivateDir(opts.data);
  const { store, log, postgres } = await openBackends(backendsOf(opts));
  const config = nodeConfig(opts.engine, postgres?.directory.home, learnerSnapshotPath(opts.data));
  const moteur = await Moteur.over(store, log, await openLedger(backendsOf(opts), postgres), config, undefined, postgres?.directory);
  return postgres === undefined ? serveEngine(moteur, listen) : serveOnSharedStore(moteur, listen, postgres);
}

function stopOnSignals(close: () => Promise<void>): void {
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
