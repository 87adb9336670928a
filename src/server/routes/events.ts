import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import type { ErrorCode } from '../../core/error-codes.ts';
import { MAX_EVENT_BATCH } from '../../core/schemas.ts';
import type { ServerMetrics } from '../metrics.ts';
import { BatchResult, batchReply, PartlyStoredBatch } from './shared.ts';

export function registerEventRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl, metrics: ServerMetrics): void {
  app.post<{ Body: { events: unknown } }>(
    '/v1/events',
    {
      schema: {
        summary: `Ingest a batch of up to ${MAX_EVENT_BATCH} events; answered once the stored ones are durable`,
        body: Type.Object({ events: Type.Array(Type.Unknown(), { description: 'EventInput items' }) }, { additionalProperties: false }),
        response: { 200: BatchResult, 503: PartlyStoredBatch },
      },
    },
    async (request, response) => {
      const outcomes = await moteur.ingest(request.body.events, access.ingestOptions(request.principal));
      metrics.countIngested(request.body.events as unknown[], outcomes);
      const reply = batchReply(outcomes);
      metrics.countEvents(request.body.events as unknown[], outcomes);
      if (reply.failed === 0) return reply;
      // Not a 200, so that a client reading only the status resends: resending the whole batch is safe.
      void response.code(503).header('retry-after', '1');
      return {
        code: 'log_unavailable' satisfies ErrorCode,
        message: `${reply.failed} of ${reply.results.length} events could not be stored in the event log; resend them (or the whole batch: what was stored is reported a duplicate)`,
        ...reply,
      };
    },
  );
}
