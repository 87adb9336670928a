/**
 * A whole cluster on one machine, for trying it, demos and tests (`moteur cluster up`): API nodes and
 * learner shards, each a `moteur serve` process with its own data directory and log file, every one
 * restarted when it dies, all stopped together. What it runs is written to `DATA/cluster.json`, which
 * `moteur cluster down` reads. Real deployments run each role under their service manager instead
 * (docs/scaling.md gives systemd units).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MoteurError } from '../core/errors.ts';
import { parseNatsUrl } from '../log/nats/nats-url.ts';

const BIN = fileURLToPath(new URL('../../bin/moteur.js', import.meta.url));
/** A process that keeps dying young is restarted ever later, up to this (or `restartAfterMs` if longer). */
const MAX_RESTART_DELAY_MS = 10_000;
/** A process that ran this long before dying is restarted at once again. */
const HEALTHY_RUN_MS = 30_000;
const READY_WITHIN_MS = 120_000;
const STOP_WITHIN_MS = 20_000;

export interface LocalClusterOptions {
  api: number;
  learners: number;
  storeUrl: string;
  logUrl: string;
  dataDir: string;
  masterKeyFile: string;
  /** The first API node's port (the others follow); 0: free ports, kept across restarts. */
  port: number;
  host: string;
  checkpointEverySeconds: number;
  deltaEveryMs: number;
  /** A process that died is restarted after this, doubled while it keeps dying young. */
  restartAfterMs: number;
  /** The configuration file every process reads (`serve --config`): its engine settings apply to every API node and learner alike. */
  configFile?: string | undefined;
  /** Printed as things happen (each process started, died, restarted). */
  say: (line: string) => void;
}

/** What `DATA/cluster.json` holds. */
export interface ClusterFile {
  supervisorPid: number;
  storeUrl: string;
  logUrl: string;
  processes: { name: string; role: 'api' | 'learner'; shard: string | null; pid: number | null; url: string; log: string }[];
}

export const clusterFileIn = (dataDir: string) => join(dataDir, 'cluster.json');

export function readClusterFile(dataDir: string): ClusterFile {
  try {
    return JSON.parse(readFileSync(clusterFileIn(dataDir), 'utf8')) as ClusterFile;
  } catch {
    throw new MoteurError('no_cluster', `no cluster started with 'moteur cluster up --data ${dataDir}' (${clusterFileIn(dataDir)} is missing or unreadable)`, {
      field: 'data',
    });
  }
}

/** Whether a process of that id is running (signal 0 only asks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port: the API nodes and learners keep theirs across restarts. */
function freePort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** The log URL with `shards=` set to the learner count (learner shards are the log's partitions). */
export function logUrlFor(logUrl: string, learners: number): string {
  const { shards } = parseNatsUrl(logUrl);
  const given = /[?&]shards=/.test(logUrl);
  if (given && learners > 1 && shards !== learners) {
    throw new MoteurError(
      'invalid_option',
      `--learners ${learners}: learner shards are the log's partitions, and --log has shards=${shards}; give shards=${learners} or leave it out`,
      { field: 'learners' },
    );
  }
  if (given) return logUrl;
  return `${logUrl}${logUrl.includes('?') ? '&' : '?'}shards=${Math.max(learners, 1)}`;
}

interface Supervised {
  name: string;
  role: 'api' | 'learner';
  shard: string | null;
  args: string[];
  url: string;
  log: string;
  child?: ChildProcess | undefined;
  out?: WriteStream | undefined;
  startedAt: number;
  delayMs: number;
}

export class LocalCluster {
  private stopping = false;
  private readonly processes: Supervised[] = [];

  private constructor(
    private readonly options: LocalClusterOptions,
    private readonly logUrl: string,
  ) {}

  /** Starts every process and resolves once each is ready (listening, or a learner at its log position). */
  static async up(options: LocalClusterOptions): Promise<LocalCluster> {
    if (options.api < 1 || options.learners < 1) throw new MoteurError('invalid_option', '--api and --learners: at least one of each', { field: 'api' });
    const logUrl = logUrlFor(options.logUrl, options.learners);
    const cluster = new LocalCluster(options, logUrl);
    const dataDir = resolve(options.dataDir);
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const { host } = options;
    const shards = options.learners;
    for (let i = 0; i < shards; i++) {
      const name = `learner-${i}`;
      const port = await freePort(host);
      const shardArgs = shards > 1 ? ['--shard', `${i}/${shards}`, '--delta-every', String(options.deltaEveryMs)] : [];
      cluster.add({
        name,
        role: 'learner',
        shard: shards > 1 ? `${i}/${shards}` : '0/1',
        port,
        args: ['--role', 'learner', ...shardArgs, '--checkpoint-every', String(options.checkpointEverySeconds)],
      });
    }
    for (let i = 0; i < options.api; i++) {
      const port = options.port === 0 ? await freePort(host) : options.port + i;
      cluster.add({ name: `api-${i}`, role: 'api', shard: null, port, args: ['--role', 'api', '--learn-from', shards > 1 ? 'deltas' : 'log'] });
    }
    try {
      // All at once: binding the master key and the schema's migrations are safe for nodes starting together.
      await Promise.all(cluster.processes.map((p) => cluster.start(p)));
    } catch (err) {
      await cluster.down();
      throw err;
    }
    return cluster;
  }

  get apiUrls(): string[] {
    return this.processes.filter((p) => p.role === 'api').map((p) => p.url);
  }

  private add(p: { name: string; role: 'api' | 'learner'; shard: string | null; port: number; args: string[] }): void {
    const dataDir = resolve(this.options.dataDir);
    const { host } = this.options;
    this.processes.push({
      name: p.name,
      role: p.role,
      shard: p.shard,
      args: [
        'serve',
        ...p.args,
        '--data',
        join(dataDir, p.name),
        '--port',
        String(p.port),
        '--host',
        host,
        ...(this.options.configFile === undefined ? [] : ['--config', this.options.configFile]),
      ],
      url: `http://${host}:${p.port}`,
      log: join(dataDir, 'logs', `${p.name}.log`),
      startedAt: 0,
      delayMs: this.options.restartAfterMs,
    });
  }

  /** Starts one process and resolves once it says it is ready; rejects with the end of its log if it dies first. */
  private start(p: Supervised): Promise<void> {
    const env = {
      ...process.env,
      MOTEUR_STORE: this.options.storeUrl,
      MOTEUR_LOG: this.logUrl,
      MOTEUR_MASTER_KEY: this.options.masterKeyFile,
      MOTEUR_LEDGER_KEYS: join(resolve(this.options.dataDir), 'ledger-keys'),
    };
    const child = spawn(process.execPath, [BIN, ...p.args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out = createWriteStream(p.log, { flags: 'a' });
    p.child = child;
    p.out = out;
    p.startedAt = Date.now();
    child.stdout!.pipe(out, { end: false });
    child.stderr!.pipe(out, { end: false });
    this.writeFile();
    let said = '';
    return new Promise<void>((ready, failed) => {
      const timer = setTimeout(
        () => failed(new MoteurError('cluster_start', `${p.name} was not ready after ${READY_WITHIN_MS / 1000} s: see ${p.log}`)),
        READY_WITHIN_MS,
      );
      const onData = (chunk: Buffer) => {
        said = (said + chunk.toString()).slice(-4000);
        if (/listening on http|ready at log position \d+/.test(said)) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          this.options.say(`${p.name} ready (pid ${child.pid}) at ${p.url}`);
          ready();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-4000)));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        out.end();
        p.child = undefined;
        this.writeFile();
        if (this.stopping) return;
        const lastWords = said.trim().split('\n').slice(-3).join(' / ');
        failed(new MoteurError('cluster_start', `${p.name} exited (${signal ?? `code ${code}`}) before it was ready: ${lastWords} (log: ${p.log})`));
        this.restartLater(p, signal ?? `code ${code}`);
      });
    });
  }

  /** Restarts a process that died, sooner when it had run a while, later while it keeps dying young. */
  private restartLater(p: Supervised, how: string): void {
    const { restartAfterMs } = this.options;
    // The first restart of a process that had run a while waits `restartAfterMs`; each quick death doubles it.
    const delay = Date.now() - p.startedAt > HEALTHY_RUN_MS ? restartAfterMs : p.delayMs;
    p.delayMs = Math.min(delay * 2, Math.max(MAX_RESTART_DELAY_MS, restartAfterMs));
    this.options.say(`${p.name} exited (${how}); restarting in ${delay / 1000} s (log: ${p.log})`);
    setTimeout(() => {
      if (!this.stopping) this.start(p).catch(() => undefined); // its exit schedules the next attempt
    }, delay);
  }

  private writeFile(): void {
    const file: ClusterFile = {
      supervisorPid: process.pid,
      storeUrl: this.options.storeUrl,
      logUrl: this.logUrl,
      processes: this.processes.map((p) => ({ name: p.name, role: p.role, shard: p.shard, pid: p.child?.pid ?? null, url: p.url, log: p.log })),
    };
    const path = clusterFileIn(resolve(this.options.dataDir));
    writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }

  /** Stops every process (SIGTERM: each closes cleanly; SIGKILL after `STOP_WITHIN_MS`). */
  async down(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.processes.map(async (p) => {
        const child = p.child;
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise<void>((done) => child.once('exit', () => done()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_WITHIN_MS);
        await gone;
        clearTimeout(timer);
      }),
    );
    this.writeFile();
  }
}
