import type { Command } from 'commander';
import { resolve } from 'node:path';
import { startServer } from '../../server/start.ts';
import { SimulationDriver, uploadWorld } from '../../sim/driver.ts';
import type { SimulationReport } from '../../sim/stats.ts';
import { generateWorld } from '../../sim/world.ts';
import { parsePort, parsePositiveInt } from '../options.ts';

interface DemoOptions {
  data: string;
  port: number;
  videos: number;
  users: number;
  duration?: number;
}

const SPARKS = '▁▂▃▄▅▆▇█';

function sparkline(values: number[]): string {
  if (values.length === 0) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => SPARKS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (SPARKS.length - 1))]).join('');
}

function panel(url: string, dataDir: string, r: SimulationReport, store: { videos: number; users: number; events: number; bytes: number }): string[] {
  const windows = r.watchRatioByWindow.slice(-30);
  return [
    `moteur demo  ${url}  (data in ${dataDir})  ${r.seconds.toFixed(0)} s`,
    `  feeds         ${r.feeds} served, ${r.feedsPerSecond}/s; latency p50 ${r.feedLatencyMs.p50.toFixed(1)} ms, p99 ${r.feedLatencyMs.p99.toFixed(1)} ms`,
    `  ingest        ${r.eventsSent} events, ${r.eventsPerSecond}/s durable`,
    `  watch ratio   ${r.meanWatchRatioPerFeed.toFixed(3)} mean per feed; per 5 s: ${sparkline(windows)} ${windows.slice(-4).map((w) => w.toFixed(3)).join(' ')}`,
    `  likes         ${r.likesPer100Impressions.toFixed(2)} per 100 impressions`,
    `  store         ${store.videos} videos, ${store.users} users, ${store.events} events, ${(store.bytes / 2 ** 20).toFixed(1)} MiB`,
    `  errors        ${r.errors}`,
    `Try it:  curl -s '${url}/v1/users/user1/feed?n=5&explain=1'`,
    `         curl -s '${url}/metrics' | grep moteur_        (Ctrl-C stops the demo)`,
  ];
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the server on the embedded store with a generated catalog and simulated people, and show live how the feed is doing')
    .option('--data <dir>', 'data directory', '.moteur/demo')
    .option('--port <n>', 'TCP port (0 picks a free one)', parsePort, 8080)
    .option('--videos <n>', 'videos in the generated catalog', parsePositiveInt, 5000)
    .option('--users <n>', 'simulated people', parsePositiveInt, 1000)
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)', parsePositiveInt)
    .action(async (opts: DemoOptions) => {
      const dataDir = resolve(opts.data);
      const server = await startServer({ dataDir, port: opts.port });
      const world = generateWorld({ videos: opts.videos, users: opts.users, seed: 1 });
      if (server.moteur.catalog.size < world.videos.length) {
        console.log(`uploading ${world.videos.length} videos and ${world.users.length} people to ${server.url} ...`);
        await uploadWorld(server.url, world);
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const driver = new SimulationDriver({
        url: server.url,
        world,
        seed: Date.now() % 1_000_000,
        concurrency: 4,
        signal: stop.signal,
        ...(opts.duration === undefined ? {} : { durationMs: opts.duration * 1000 }),
      });
      const tty = process.stdout.isTTY;
      let drawn = 0;
      let ticks = 0;
      // On a terminal the panel is redrawn in place; in a log, the figures are appended every 5 s.
      const draw = async (final = false) => {
        const lines = panel(server.url, dataDir, driver.stats.report(), await server.moteur.counts());
        if (tty) {
          process.stdout.write((drawn > 0 ? `\x1b[${drawn}A` : '') + lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
          drawn = lines.length;
        } else if (final || ticks++ % 5 === 0) {
          process.stdout.write((final ? lines : lines.slice(0, 5)).join('\n') + '\n');
        }
      };
      const timer = setInterval(() => void draw(), 1000);
      await driver.run();
      clearInterval(timer);
      await draw(true);
      await server.close();
      console.log(`stopped; everything acknowledged is in ${dataDir} (restart with the same --data to continue)`);
    });
}
