/** Runs `moteur serve` in a child process, so a benchmark's clients do not share its event loop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG } from '../../src/app/config.ts';
import { createKey, keysFileIn } from '../../src/trust/policy/keys.ts';
import { inheritedNodeFlags } from './report.ts';

const BIN = fileURLToPath(new URL('../../bin/moteur.js', import.meta.url));

export interface ChildServer {
  url: string;
  /** An app key for the benchmark's clients, made in the data directory before the server starts. */
  apiKey: string;
  pid: number;
  /** The server's own account of its start, phase by phase (`started in …`), once it has printed it. */
  readonly startPhases: string | undefined;
  /** SIGTERM: a clean stop. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies where it stands. */
  kill(): Promise<void>;
}

export function serveInChild(dataDir: string): Promise<ChildServer> {
  const apiKey = createKey(keysFileIn(dataDir), { id: 'bench', role: 'app', regions: [DEFAULT_CONFIG.region] }, true);
  const child: ChildProcess = spawn(process.execPath, [...inheritedNodeFlags(), BIN, 'serve', '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.on('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        resolve({
          url,
          apiKey,
          pid: child.pid!,
          get startPhases() {
            return /started in (.*)/.exec(out)?.[1];
          },
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`moteur serve exited with ${String(code)}: ${out}`)));
  });
}
