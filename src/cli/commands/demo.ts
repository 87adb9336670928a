import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import type { Moteur } from '../../app/moteur.ts';
import { startServer } from '../../server/start.ts';
import { SimulationDriver, uploadWorld } from '../../sim/driver.ts';
import type { SimulationReport } from '../../sim/stats.ts';
import { catchUpWithCatalog, generateWorld, SIM_REGIONS } from '../../sim/world.ts';
import { createKey, keysFileIn } from '../../trust/policy/keys.ts';
import { engineOverrides, serverSettings } from '../../app/config-file.ts';
import { DEFAULT_SERVER } from '../../app/config-schema.ts';
import { configOption, loadSettings } from '../config-option.ts';
import { parsePort, parsePositiveInt } from '../options.ts';
import { progressBar } from '../progress.ts';

interface DemoOptions {
  data?: string;
  config?: string;
  port?: number;
  videos: number;
  users: number;
  duration?: number;
}

type StoreCounts = Awaited<ReturnType<Moteur['counts']>>;

const SPARKS = '▁▂▃▄▅▆▇█';

/** Bars for the last `width` values, scaled over all of them so the cold start stays the reference. */
function sparkline(values: number[], width: number): string {
  if (values.length === 0) return '(first window running)';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const bar = (v: number) => SPARKS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (SPARKS.length - 1))];
  return values.slice(-width).map(bar).join('');
}

function figures(url: string, dataDir: string, r: SimulationReport, store: StoreCounts): string[] {
  const windows = r.watchRatioByWindow;
  const recent = windows
    .slice(-4)
    .map((w) => w.toFixed(3))
    .join(' ');
  return [
    `moteur demo  ${url}  (data in ${dataDir})  ${r.seconds.toFixed(0)} s`,
    `  watch ratio   ${r.meanWatchRatioPerFeed.toFixed(3)} mean per feed; per ${r.windowSeconds} s: ${sparkline(windows, 30)} ${recent}`.trimEnd(),
    `  likes         ${r.likesPer100Impressions.toFixed(2)} per 100 impressions; hidden affinity of served videos ${r.meanAffinity.toFixed(3)}`,
    `  ingest        ${r.eventsSent} events, ${r.eventsPerSecond}/s durable`,
    `  feeds         ${r.feeds} served, ${r.feedsPerSecond}/s; latency p50 ${r.feedLatencyMs.p50.toFixed(1)} ms, p99 ${r.feedLatencyMs.p99.toFixed(1)} ms`,
    `  store         ${store.videos} videos (${r.videosPosted} posted during the run), ${store.users} users, ${store.events} events, ${(store.bytes / 2 ** 20).toFixed(1)} MiB`,
    `  errors        ${r.errors}`,
  ];
}

function tryIt(url: string, apiKey: string, consoleKey: string, startedAt: string): string[] {
  const event = JSON.stringify({ events: [{ id: 'try-1', userId: 'user1', videoId: 'video1', type: 'like', ts: startedAt }] });
  return [
    `Console: ${url}/ (the feed, the engine's charts, the audit ledger), signing in with this admin key: ${consoleKey}`,
    `Try it (Ctrl-C stops the demo; the demo's app key is in $KEY, revoked at the next run):`,
    `  export KEY=${apiKey}`,
    `  curl -s -H "authorization: Bearer $KEY" '${url}/v1/users/user1/feed?n=5&explain=1'`,
    `  curl -s -X POST '${url}/v1/events' -H "authorization: Bearer $KEY" -H 'content-type: application/json' -d '${event}'`,
    `  curl -s '${url}/metrics'   # 403: an app key reads no metrics (that is the analyst role)`,
  ];
}

/** On a terminal the panel is redrawn in place every second; in a log, the figures are appended every 5 s. */
function screen(header: string[]): { update(lines: string[]): void; finish(lines: string[]): void } {
  if (!process.stdout.isTTY) {
    let updates = 0;
    console.log(header.join('\n'));
    return {
      update: (lines) => {
        if (updates++ % 5 === 0) console.log(lines.join('\n'));
      },
      finish: (lines) => console.log(lines.join('\n')),
    };
  }
  // Long lines (the curl examples) wrap, so the panel's height is counted in terminal rows, not lines.
  const rows = (line: string) => Math.max(1, Math.ceil(line.length / (process.stdout.columns || 80)));
  let drawn = 0;
  const draw = (lines: string[]) => {
    const all = [...lines, ...header];
    process.stdout.write((drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : '') + all.join('\n') + '\n');
    drawn = all.reduce((sum, line) => sum + rows(line), 0);
  };
  return { update: draw, finish: draw };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the server on the embedded store with a generated catalog and simulated people, and show live how the feed is doing (what `npm start` runs)',
    )
    .option('--data <dir>', 'data directory, kept between runs (default: dataDir of the configuration, or .moteur/demo)')
    .addOption(
      new Option('--port <n>', `TCP port, 0 picks a free one (default: port of the configuration, ${DEFAULT_SERVER.port})`)
        .argParser(parsePort)
        .env('MOTEUR_PORT'),
    )
    .option('--videos <n>', 'videos in the generated catalog', parsePositiveInt, 5000)
    .option('--users <n>', 'simulated people', parsePositiveInt, 1000)
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)', parsePositiveInt)
    .addOption(configOption())
    .action(async (opts: DemoOptions) => {
      const settings = loadSettings(opts.config);
      const engine = engineOverrides(settings);
      const server = serverSettings(settings);
      const dataDir = resolve(opts.data ?? ('dataDir' in settings.values ? server.dataDir : '.moteur/demo'));
      const port = opts.port ?? server.port;
      // The demo is an app like any other: it calls the API with an app key, made afresh each run.
      const apiKey = createKey(keysFileIn(dataDir), { id: 'demo', role: 'app', regions: SIM_REGIONS }, true);
      // The person at the web console may open every page, so its key is an admin's.
      const consoleKey = createKey(keysFileIn(dataDir), { id: 'demo-console', role: 'admin', regions: SIM_REGIONS }, true);
      const running = await startServer({ ...engine, dataDir, port, host: server.host, regions: SIM_REGIONS });
      const world = generateWorld({ videos: opts.videos, users: opts.users, seed: 1, embeddingDim: running.moteur.config.embeddingDim });
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      // A data directory from an earlier run already holds the catalog and the people, and the videos posted since.
      const stored = running.moteur.catalog.size;
      catchUpWithCatalog(world, stored, Date.now());
      if (stored < world.videos.length) {
        console.log(`uploading ${world.videos.length} videos and ${world.users.length} people to ${running.url} ...`);
        const bar = progressBar('uploading', world.videos.length + world.users.length);
        await uploadWorld(running.url, world, (done) => bar.update(done), apiKey);
        bar.stop();
      }
      const out = screen(tryIt(running.url, apiKey, consoleKey, new Date().toISOString()));
      // Figures arrive every second; each is drawn after the previous one, with the store counts of that moment.
      let drawing = Promise.resolve();
      const show = (report: SimulationReport, final: boolean) => {
        drawing = drawing.then(async () => {
          const lines = figures(running.url, dataDir, report, await running.moteur.counts());
          if (final) out.finish(lines);
          else out.update(lines);
        });
      };
      const driver = new SimulationDriver({
        url: running.url,
        apiKey,
        world,
        seed: Date.now() % 1_000_000,
        concurrency: 4,
        signal: stop.signal,
        onReport: (report) => show(report, false),
        ...(opts.duration === undefined ? {} : { durationMs: opts.duration * 1000 }),
      });
      if (!stop.signal.aborted) await driver.run();
      show(driver.stats.report(), true);
      await drawing;
      await running.close();
      console.log(`stopped; everything acknowledged is in ${dataDir} (run again with the same --data to continue)`);
    });
}
