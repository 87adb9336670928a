import type { Command } from 'commander';
import { SimulationDriver, simulatorClient, uploadWorld } from '../../sim/driver.ts';
import { catchUpWithCatalog, generateWorld, SIM_REGIONS } from '../../sim/world.ts';
import { EXIT } from '../exit-codes.ts';
import { parsePositiveInt } from '../options.ts';
import { progressBar } from '../progress.ts';
import { causeMessageOf } from '../../core/thrown.ts';

interface SimulateOptions {
  url: string;
  key?: string;
  videos: number;
  users: number;
  seed: number;
  duration?: number;
  sessions?: number;
  concurrency: number;
  json: boolean;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'Generate a synthetic catalog and people with hidden interests, and drive a running server with them over HTTP: ' +
        'people ask for feeds and send back what they watched, while creators keep posting new videos',
    )
    .requiredOption('--url <url>', 'base URL of a running moteur server, e.g. http://127.0.0.1:8080')
    .option('--key <api-key>', 'an API key with the app role (default: $MOTEUR_API_KEY); the server must serve regions us, gb, fr and br')
    .option('--videos <n>', 'videos in the generated catalog', parsePositiveInt, 2000)
    .option('--users <n>', 'simulated people', parsePositiveInt, 300)
    .option('--seed <n>', 'seed of the generated world', parsePositiveInt, 1)
    .option('--duration <seconds>', 'stop after this many seconds (30 when --sessions is not given either)', parsePositiveInt)
    .option('--sessions <n>', 'stop after this many sessions', parsePositiveInt)
    .option('--concurrency <n>', 'sessions running at once', parsePositiveInt, 8)
    .option('--json', 'print the final figures as one JSON object', false)
    .action(async (opts: SimulateOptions) => {
      const url = opts.url.replace(/\/$/, '');
      const health = await simulatorClient(url, undefined)
        .GET('/health')
        .then(({ data, response }) => {
          const served = data as { videos: number; regions?: string[] } | undefined;
          return { status: response.status, text: response.ok ? '' : response.statusText, videos: served?.videos ?? 0, regions: served?.regions };
        })
        .catch((err: unknown) => ({ status: 0, text: causeMessageOf(err), videos: 0, regions: undefined }));
      if (health.status !== 200) {
        console.error(`moteur simulate: no moteur server answers at ${url} (${health.text}); start one with 'moteur serve --data DIR'`);
        process.exitCode = EXIT.unreachable;
        return;
      }
      const apiKey = opts.key ?? process.env.MOTEUR_API_KEY;
      if (apiKey === undefined) {
        console.error(
          "moteur simulate: give an API key with the app role (--key or MOTEUR_API_KEY); create one with 'moteur keys create --data DIR --id simulator --role app --regions us,gb,fr,br'",
        );
        process.exitCode = 2;
        return;
      }
      // Asked before anything is written: the simulated people live in these regions, and a node refuses the others'.
      const served = health.regions;
      const missing = SIM_REGIONS.filter((r) => served !== undefined && !served.includes(r));
      if (missing.length > 0) {
        console.error(
          `moteur simulate: the server at ${url} serves ${served!.join(', ')}, not ${missing.join(', ')}; the simulated people live in ${SIM_REGIONS.join(', ')}: start it with --regions ${SIM_REGIONS.join(',')}`,
        );
        process.exitCode = EXIT.unreachable;
        return;
      }
      const world = generateWorld({ videos: opts.videos, users: opts.users, seed: opts.seed });
      catchUpWithCatalog(world, health.videos, Date.now());
      const bar = progressBar('uploading', world.videos.length + world.users.length);
      await uploadWorld(url, world, (done) => bar.update(done), apiKey);
      bar.stop();
      const durationMs = opts.duration === undefined && opts.sessions === undefined ? 30_000 : (opts.duration ?? Infinity) * 1000;
      const driver = new SimulationDriver({
        url,
        apiKey,
        world,
        seed: opts.seed,
        concurrency: opts.concurrency,
        durationMs,
        ...(opts.sessions ? { sessions: opts.sessions } : {}),
      });
      await driver.run();
      const report = driver.stats.report();
      if (opts.json) console.log(JSON.stringify(report));
      else
        console.log(
          Object.entries(report)
            .map(([k, v]) => `${k.padEnd(24)} ${JSON.stringify(v)}`)
            .join('\n'),
        );
      if (driver.stats.errors > 0) {
        console.error(`moteur simulate: ${driver.stats.errors} sessions failed; last error: ${driver.stats.lastError}`);
        process.exitCode = 1;
      }
    });
}
