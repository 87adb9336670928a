import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import { enumOf } from './shared.ts';

const Standing = Type.Object({
  guaranteed: Type.Integer({ description: 'videos still owed their guaranteed audience' }),
  earning: Type.Integer({ description: 'videos earning their servings by how they do' }),
  videos: Type.Array(
    Type.Object({
      videoId: Type.String(),
      tier: enumOf(['guaranteed', 'earned'] as const),
      served: Type.Integer(),
      completions: Type.Number(),
      likes: Type.Number(),
    }),
    { description: 'the most served first' },
  ),
});

/** The exploration pool as an aggregate: how many new videos are looking for an audience and how the most served are doing. */
export function registerExplorationRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.get<{ Querystring: { n?: number } }>(
    '/v1/exploration',
    {
      schema: {
        summary: 'New videos in the exploration pool: counts by tier, and the n most served with their servings, completions and likes',
        querystring: Type.Object({ n: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
        response: { 200: Standing },
      },
    },
    async (request) => {
      access.check(request.principal, 'readMetrics', SYSTEM, 'monitoring');
      return moteur.learning.exploration.standing(request.query.n ?? 20);
    },
  );
}
