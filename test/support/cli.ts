/** Runs the `moteur` command in a child process, as a person would from the project folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';

export function runMoteur(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/moteur.js', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

export interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
  /** What the server printed on stdout so far. */
  output(): string;
}

/** Starts `moteur serve` on a data directory in a child process (killed when the test file ends); resolves once it listens. */
export function startServe(dataDir: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, ['bin/moteur.js', 'serve', '--data', dataDir, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  after(() => child.kill('SIGKILL'));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url, exited, output: () => out });
    });
    void exited.then((code) => reject(new Error(`server exited with ${String(code)} before listening: ${out}`)));
  });
}
