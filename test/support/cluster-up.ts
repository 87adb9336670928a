/** `moteur cluster up` as a child process of a test: stopped with Ctrl-C (SIGINT) when the test file ends. */
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { until } from './until.ts';

export interface ClusterUp {
  process: ChildProcess;
  /** The API nodes' addresses, as its ready line gives them. */
  apiUrls: string[];
  /** Everything it printed so far, stdout and stderr. */
  said(): string;
  /** Resolves once the process has exited. */
  gone: Promise<void>;
}

/** Runs `moteur cluster up ARGS` and resolves once every process it starts is ready. */
export async function startClusterUp(args: string[], env: NodeJS.ProcessEnv): Promise<ClusterUp> {
  const up = spawn(process.execPath, ['bin/moteur.js', 'cluster', 'up', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  up.stdout.on('data', (c: Buffer) => (said += c.toString()));
  up.stderr.on('data', (c: Buffer) => (said += c.toString()));
  const gone = new Promise<void>((resolve) => up.once('exit', () => resolve()));
  after(async () => {
    if (up.exitCode === null) up.kill('SIGINT');
    await gone;
  });
  const urls = await until('the cluster up', 120_000, async () => {
    if (up.exitCode !== null) throw new Error(`cluster up exited: ${said}`);
    return /cluster up: \d+ API node\(s\) at (.+?), \d+ learner/.exec(said)?.[1];
  });
  return { process: up, apiUrls: urls.split(' '), said: () => said, gone };
}
