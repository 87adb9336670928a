import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import type { ServerMetrics } from '../metrics.ts';

export function registerHealthRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl, metrics: ServerMetrics): void {
  app.get('/health', { schema: { summary: 'Liveness, with the catalog size' } }, async () => ({
    status: 'ok',
    videos: moteur.catalog.size,
  }));
  app.get('/metrics', { schema: { summary: 'Prometheus metrics' } }, async (request, reply) => {
    access.check(request.principal, 'readMetrics', SYSTEM, 'monitoring');
    void reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
