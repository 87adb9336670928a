/** Cluster nodes as child processes of a test or benchmark: `moteur serve --role ...`, stopped when the caller says. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openPool, parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import type { Principal } from '../../src/trust/policy/keys.ts';
import { SharedKeys } from '../../src/trust/policy/postgres-keys.ts';

const BIN = fileURLToPath(new URL('../../bin/moteur.js', import.meta.url));

export interface Node {
  process: ChildProcess;
  /** The API node's base URL; undefined for a learner. */
  url: string | undefined;
  /** What it printed until it was ready. */
  output: string;
  /** Sends SIGKILL and waits until the process is gone. */
  kill(): Promise<void>;
  /** Sends SIGTERM (the node closes cleanly: a serving node writes its model snapshot) and waits until the process is gone. */
  stop(): Promise<void>;
}

/** Starts `moteur serve` with the arguments and resolves once it says it is ready (listening, or a learner at its position). */
export function startNode(args: string[], env: NodeJS.ProcessEnv = {}, readyWithinMs = 30_000): Promise<Node> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await gone;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await gone;
  };
  let output = '';
  return new Promise<Node>((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`moteur serve ${args.join(' ')} was not ready after ${readyWithinMs} ms:\n${output}`));
    }, readyWithinMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/[^\s;]+)/.exec(output);
      if (listening !== null || /ready at log position \d+/.test(output)) {
        clearTimeout(timer);
        resolve({ process: child, url: listening?.[1], output, kill, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void gone.then(() => {
      clearTimeout(timer);
      reject(new Error(`moteur serve ${args.join(' ')} exited before it was ready:\n${output}`));
    });
  });
}

/** Creates an API key in a cluster's shared store (what `moteur keys create --store` does) and returns it. */
export async function createClusterKey(storeUrl: string, principal: Principal): Promise<string> {
  const target = parsePostgresUrl(storeUrl);
  const pool = openPool(target, 1);
  try {
    return (await (await SharedKeys.open(pool, target.schema)).create(principal)).apiKey;
  } finally {
    await pool.end();
  }
}
