import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import type { ServerMetrics } from '../metrics.ts';
import { TextAnswer } from './shared.ts';

const Health = Type.Object({
  status: Type.Literal('ok'),
  regions: Type.Array(Type.String(), { description: 'the regions whose people this node serves, home region first' }),
  videos: Type.Integer({ description: 'the catalog size' }),
  learning: Type.Object({
    pendingEvents: Type.Integer(),
    itemGraphUpToDate: Type.Boolean(),
    itemGraphTrainings: Type.Integer(),
    settled: Type.Boolean({ description: 'every acknowledged event is learned and the item graph is up to date' }),
  }),
});

export function registerHealthRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl, metrics: ServerMetrics): void {
  const summary = 'Liveness, the regions served, the catalog size, and whether every acknowledged event is learned';
  app.get('/health', { schema: { summary, response: { 200: Health } } }, async () => ({
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
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', response: { 200: TextAnswer('the Prometheus text exposition format') } } },
    async (request, reply) => {
      access.check(request.principal, 'readMetrics', SYSTEM, 'monitoring');
      void reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}
