/** Runs `moteur serve` in a child process, so a benchmark's clients do not share its event loop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/moteur.js', import.meta.url));

export interface ChildServer {
  url: string;
  stop(): Promise<void>;
}

export function serveInChild(dataDir: string): Promise<ChildServer> {
  // A benchmark run under `node --cpu-prof` profiles its server too.
  const profiling = process.execArgv.filter((arg) => arg.startsWith('--cpu-prof'));
  const child: ChildProcess = spawn(process.execPath, [...profiling, BIN, 'serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`moteur serve exited with ${String(code)}: ${out}`)));
  });
}
