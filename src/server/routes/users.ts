import type { FastifyInstance } from 'fastify';
import type { Moteur } from '../../app/moteur.ts';
import { UserInput } from '../../core/schemas.ts';
import { IdParams } from './shared.ts';

export function registerUserRoutes(app: FastifyInstance, moteur: Moteur): void {
  app.put<{ Params: { id: string }; Body: unknown }>(
    '/v1/users/:id',
    { schema: { summary: 'Create or update a user (fields not given keep their value)', params: IdParams, body: UserInput } },
    async (request) => moteur.putUser(request.params.id, request.body ?? {}),
  );
  app.get<{ Params: { id: string } }>('/v1/users/:id', { schema: { summary: 'One user', params: IdParams } }, async (request) =>
    moteur.getUser(request.params.id),
  );
}
