import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Assignment } from '../app/experiments.ts';
import type { Moteur } from '../app/moteur.ts';
import type { ItemOutcome } from '../core/types.ts';

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

  readonly experimentFeeds = new Counter({
    name: 'moteur_experiment_feeds_total',
    help: 'Feed pages served per variant of each live experiment',
    labelNames: ['experiment', 'variant'] as const,
    registers: [this.registry],
  });
  readonly experimentEvents = new Counter({
    name: 'moteur_experiment_events_total',
    help: 'Events stored per variant of each live experiment, by type (impressions, plays, likes...)',
    labelNames: ['experiment', 'variant', 'type'] as const,
    registers: [this.registry],
  });

  constructor(private readonly moteur: Moteur) {
    collectDefaultMetrics({ register: this.registry, prefix: 'moteur_process_' });
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

  /** Counts a feed page for the person's variants. */
  countFeed(experiments: Assignment | undefined): void {
    for (const [experiment, variant] of Object.entries(experiments ?? {})) this.experimentFeeds.inc({ experiment, variant });
  }

  /** Counts the stored events of a batch (`results` in input order) for their person's variants. */
  countEvents(events: unknown[], results: readonly ItemOutcome[]): void {
    if (this.moteur.config.experiments.length === 0) return;
    results.forEach((result, i) => {
      if (result.status !== 'stored') return;
      const { userId, type } = events[i] as { userId: string; type: string };
      for (const [experiment, variant] of Object.entries(this.moteur.experimentsOf(userId) ?? {})) this.experimentEvents.inc({ experiment, variant, type });
    });
  }
}
