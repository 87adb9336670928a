import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';

/** The exploration pool as an aggregate: how many new videos are looking for an audience and how the most served are doing. */
export function registerExplorationRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.get<{ Querystring: { n?: number } }>(
    '/v1/exploration',
    {
      schema: {
        summary: 'New videos in the exploration pool: counts by tier, and the n most served with their servings, completions and likes',
        querystring: Type.Object({ n: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
      },
    },
    async (request) => {
      access.check(request.principal, 'readMetrics', SYSTEM, 'monitoring');
      return moteur.learning.exploration.standing(request.query.n ?? 20);
    },
  );
}
