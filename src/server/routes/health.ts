import type { FastifyInstance } from 'fastify';
import type { Moteur } from '../../app/moteur.ts';
import type { ServerMetrics } from '../metrics.ts';

export function registerHealthRoutes(app: FastifyInstance, moteur: Moteur, metrics: ServerMetrics): void {
  app.get('/health', { schema: { summary: 'Liveness, with the catalog size' } }, async () => ({
    status: 'ok',
    videos: moteur.catalog.size,
  }));
  app.get('/metrics', { schema: { summary: 'Prometheus metrics' } }, async (_request, reply) => {
    void reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
