/**
 * A learner's `/health` and `/metrics`, on a port of its own: whether it is ready (caught up to within
 * `readyLagEvents` of its part of the log), its lag in events and seconds, events learned per second,
 * the age of its last checkpoint and its last model delta. `/health` answers 200 when ready, 503 while it
 * catches up; `/metrics` is Prometheus text.
 */
import { createServer } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Learner, LearnerStatus } from './learner.ts';
import { messageOf } from '../core/thrown.ts';

/** Events learned per second are measured over this window. */
const RATE_WINDOW_MS = 10_000;
const SAMPLE_EVERY_MS = 1000;

export interface LearnerHealth extends LearnerStatus {
  status: 'ready' | 'catching_up';
  role: 'learner';
  shard: string;
  eventsPerSecond: number;
}

export interface LearnerEndpoints {
  url: string;
  close(): Promise<void>;
}

export async function serveLearnerEndpoints(
  learner: Learner,
  options: { shard: string; port: number; host: string; readyLagEvents: number },
): Promise<LearnerEndpoints> {
  const samples: { at: number; learned: number }[] = [];
  const sampler = setInterval(() => {
    samples.push({ at: Date.now(), learned: learner.eventsLearned });
    while (samples.length > 1 && samples[0]!.at < Date.now() - RATE_WINDOW_MS) samples.shift();
  }, SAMPLE_EVERY_MS);
  sampler.unref();
  const rate = (learned: number) => {
    const first = samples[0];
    if (first === undefined || Date.now() === first.at) return 0;
    return Math.round(((learned - first.learned) / (Date.now() - first.at)) * 1000 * 10) / 10;
  };
  const health = async (): Promise<LearnerHealth> => {
    const status = await learner.status();
    const ready = status.lagEvents <= options.readyLagEvents;
    return { status: ready ? 'ready' : 'catching_up', role: 'learner', shard: options.shard, ...status, eventsPerSecond: rate(status.eventsLearned) };
  };

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'moteur_process_' });
  let current: LearnerHealth | undefined;
  const gauge = (name: string, help: string, value: (h: LearnerHealth) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const v = current === undefined ? null : value(current);
        if (v !== null) this.set(v);
      },
    });
  gauge('moteur_learner_ready', '1 when the learner is caught up to within the ready bound, else 0', (h) => (h.status === 'ready' ? 1 : 0));
  gauge('moteur_learner_lag_events', 'Messages of its part of the log not delivered to it yet', (h) => h.lagEvents);
  gauge('moteur_learner_lag_seconds', 'How much older the last event it learned is than the newest of its part', (h) => h.lagSeconds);
  gauge('moteur_learner_events_per_second', `Events learned per second over the last ${RATE_WINDOW_MS / 1000} s`, (h) => h.eventsPerSecond);
  gauge('moteur_learner_position', 'The log position its state holds every event of its part up to', (h) => h.position);
  gauge('moteur_learner_checkpoint_age_seconds', 'Seconds since its last model checkpoint', (h) => h.checkpointAgeSeconds);
  gauge('moteur_learner_last_delta_age_seconds', 'Seconds since its last model delta', (h) => h.lastDelta?.ageSeconds ?? null);
  gauge('moteur_learner_last_delta_position', 'The log position its last model delta covers', (h) => h.lastDelta?.position ?? null);
  const learned = new Counter({ name: 'moteur_learner_events_learned_total', help: 'Events learned since the process started', registers: [registry] });
  let counted = 0;

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || (path !== '/health' && path !== '/metrics')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'not_found', message: 'a learner serves GET /health and GET /metrics', field: null }));
      return;
    }
    void health().then(
      async (h) => {
        if (path === '/health') {
          res.writeHead(h.status === 'ready' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h));
          return;
        }
        current = h;
        learned.inc(h.eventsLearned - counted);
        counted = h.eventsLearned;
        res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      },
      (err: unknown) =>
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 'log_unavailable', message: `the learner's state in JetStream could not be read: ${messageOf(err)}`, field: null })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    async close() {
      clearInterval(sampler);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
