import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import type { ServerMetrics } from '../metrics.ts';

export function registerHealthRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl, metrics: ServerMetrics): void {
  app.get('/health', { schema: { summary: 'Liveness, the regions served, the catalog size, and whether every acknowledged event is learned' } }, async () => ({
    status: 'ok',
    // Which regions' people this node serves, so a client can check before it writes anything.
    regions: moteur.residency.regions,
    videos: moteur.catalog.size,
    // A client that replays a data set waits for `settled` before asking for feeds (docs/evaluation.md).
    learning: {
      pendingEvents: moteur.learning.pendingEvents,
      itemGraphUpToDate: moteur.learning.graph.upToDate,
      itemGraphTrainings: moteur.learning.graph.generation,
      settled: moteur.learning.pendingEvents === 0 && moteur.learning.graph.upToDate,
    },
  }));
  app.get('/metrics', { schema: { summary: 'Prometheus metrics' } }, async (request, reply) => {
    access.check(request.principal, 'readMetrics', SYSTEM, 'monitoring');
    void reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
