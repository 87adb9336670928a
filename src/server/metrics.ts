import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Moteur } from '../app/moteur.ts';
import { droppedUpdates } from '../learn/online/finite.ts';

/** Prometheus metrics of one server: ingest by outcome, feed latency, store size. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly ingested = new Counter({
    name: 'moteur_events_ingested_total',
    help: 'Events received through the API, by outcome (stored, duplicate, rejected)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly feedLatency = new Histogram({
    name: 'moteur_feed_latency_seconds',
    help: 'Time to build one feed page',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor(moteur: Moteur) {
    collectDefaultMetrics({ register: this.registry, prefix: 'moteur_process_' });
    new Gauge({
      name: 'moteur_learning_dropped_updates',
      help: 'Updates the learners refused because they held a non-finite number, by source, since the process started',
      labelNames: ['source'] as const,
      registers: [this.registry],
      collect() {
        for (const [source, count] of droppedUpdates.bySource()) this.set({ source }, count);
      },
    });
    new Gauge({
      name: 'moteur_store_size',
      help: 'Rows and bytes held by the store and the event log',
      labelNames: ['what'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await moteur.counts();
        for (const [what, value] of Object.entries(counts)) this.set({ what }, value);
      },
    });
  }
}
