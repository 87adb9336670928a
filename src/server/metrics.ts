import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Assignment } from '../app/experiments.ts';
import type { Moteur } from '../app/moteur.ts';
import type { ItemOutcome } from '../core/types.ts';
import { stageTimes } from '../feed/pipeline-report.ts';
import { droppedUpdates } from '../learn/online/finite.ts';

/**
 * Prometheus metrics of one server: ingest by outcome and by event type, watch time against duration, feed
 * latency and each pipeline stage's, items served by candidate source, the learner's backlog and the store size. The console's Engine
 * page draws its charts from these.
 */
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
  readonly feedStageLatency = new Histogram({
    name: 'moteur_feed_stage_seconds',
    help: 'Time each stage of the feed pipeline took for one page, by stage: a candidate source (filters included), the scorer, the selection',
    labelNames: ['stage'] as const,
    buckets: [0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25],
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
  readonly servedBySource = new Counter({
    name: 'moteur_feed_items_total',
    help: 'Videos served in feeds, by the candidate source that found them',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly eventsByType = new Counter({
    name: 'moteur_events_stored_by_type_total',
    help: 'Events stored, by type (play, like, share, ...)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly watchRatio = new Counter({
    name: 'moteur_play_watch_ratio_sum',
    help: "Sum over stored plays of watchMs / the video's duration, each capped at 1 (divide by the play count for the mean)",
    registers: [this.registry],
  });

  constructor(private readonly moteur: Moteur) {
    collectDefaultMetrics({ register: this.registry, prefix: 'moteur_process_' });
    moteur.onFeedReport((report) => {
      for (const { stage, ms } of stageTimes(report)) this.feedStageLatency.observe({ stage }, ms / 1000);
    });
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
    new Gauge({
      name: 'moteur_learning_pending_events',
      help: 'Acknowledged events the online learners have not learned yet',
      registers: [this.registry],
      collect() {
        this.set(moteur.learning.pendingEvents);
      },
    });
    new Gauge({
      name: 'moteur_item_graph_up_to_date',
      help: '1 when the item graph has been retrained on every event learned, 0 while a retrain is due',
      registers: [this.registry],
      collect() {
        this.set(moteur.learning.graph.upToDate ? 1 : 0);
      },
    });
    new Gauge({
      name: 'moteur_exploration_pool_videos',
      help: 'New videos in the exploration pool, by tier (guaranteed audience, earning more)',
      labelNames: ['tier'] as const,
      registers: [this.registry],
      collect() {
        const { guaranteed, earning } = moteur.learning.exploration.standing(0);
        this.set({ tier: 'guaranteed' }, guaranteed);
        this.set({ tier: 'earning' }, earning);
      },
    });
  }

  /** Counts an ingest call's outcomes, and the type and watch ratio of each event it stored. */
  countIngested(events: unknown[], outcomes: ItemOutcome[]): void {
    for (const status of ['stored', 'duplicate', 'rejected', 'failed'] as const) {
      this.ingested.inc({ status }, outcomes.filter((o) => o.status === status).length);
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.status !== 'stored') return;
      // A stored event passed validation, so its type and videoId are there.
      const event = events[i] as { type: string; videoId: string; watchMs?: number };
      this.eventsByType.inc({ type: event.type });
      const duration = this.moteur.catalog.get(event.videoId)?.durationMs;
      if (event.type === 'play' && duration !== undefined && duration > 0) this.watchRatio.inc(Math.min((event.watchMs ?? 0) / duration, 1));
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
