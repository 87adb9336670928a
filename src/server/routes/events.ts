import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { MAX_EVENT_BATCH } from '../../core/schemas.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import type { ServerMetrics } from '../metrics.ts';
import { BatchResult, batchReply } from './shared.ts';

export function registerEventRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl, metrics: ServerMetrics): void {
  app.post<{ Body: { events: unknown } }>(
    '/v1/events',
    {
      schema: {
        summary: `Ingest a batch of up to ${MAX_EVENT_BATCH} events; answered once the stored ones are durable`,
        body: Type.Object({ events: Type.Array(Type.Unknown(), { description: 'EventInput items' }) }),
        response: { 200: BatchResult },
      },
    },
    async (request) => {
      access.check(request.principal, 'ingestEvents', SYSTEM, 'ingest');
      const reply = batchReply(await moteur.ingest(request.body.events));
      metrics.ingested.inc({ status: 'stored' }, reply.stored);
      metrics.ingested.inc({ status: 'duplicate' }, reply.duplicates);
      metrics.ingested.inc({ status: 'rejected' }, reply.rejected);
      return reply;
    },
  );
}
