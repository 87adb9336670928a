/**
 * What the typed client's transport costs the client: CPU per request (this process only; the server runs in a
 * child process) with Node's fetch and with `keepAliveFetch`, the node:http transport `moteur simulate` uses.
 * Usage: node --import tsx bench/client-transport.ts [--requests N]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createMoteurClient, keepAliveFetch, type Fetch } from '../src/client/index.ts';
import { createKey, keysFileIn } from '../src/trust/policy/keys.ts';
import { flag, note, print, round, scratchDir } from './lib/report.ts';

const REQUESTS = flag('requests', 5000);
const CONCURRENCY = 10;

const dataDir = scratchDir();
const apiKey = createKey(keysFileIn(dataDir), { id: 'bench', role: 'app', regions: ['us'] });
const server = spawn(process.execPath, ['bin/moteur.js', 'serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const baseUrl = await new Promise<string>((resolve, reject) => {
  server.stdout.on('data', (chunk: Buffer) => {
    const url = /listening on (http:\/\/\S+)/.exec(chunk.toString())?.[1];
    if (url !== undefined) resolve(url);
  });
  server.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
});

/** Client CPU (µs) per request, and requests per second, for `REQUESTS` small requests (`GET /v1/videos/{id}`). */
async function measure(fetch: Fetch | undefined) {
  const client = createMoteurClient({ baseUrl, apiKey, ...(fetch === undefined ? {} : { fetch }) });
  const call = () => client.GET('/v1/videos/{id}', { params: { path: { id: 'none' } } });
  for (let i = 0; i < 200; i++) await call();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent++ < REQUESTS) await call();
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    clientCpuUsPerRequest: round((used.user + used.system) / REQUESTS, 1),
    requestsPerSecond: round(REQUESTS / ((performance.now() - start) / 1000), 0),
  };
}

note(`server at ${baseUrl}; ${REQUESTS} requests per transport`);
const nodeFetch = await measure(undefined);
const keepAlive = await measure(keepAliveFetch);
server.kill('SIGTERM');
await once(server, 'exit');
print({ benchmark: 'client-transport', requests: REQUESTS, concurrency: CONCURRENCY, nodeFetch, keepAliveFetch: keepAlive });
