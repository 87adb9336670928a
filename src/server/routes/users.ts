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
  app.get<{ Params: { id: string } }>(
    '/v1/users/:id/export',
    { schema: { summary: 'Everything stored or learned about this person, as JSON', params: IdParams } },
    async (request) => moteur.exportUser(request.params.id),
  );
  app.post<{ Params: { id: string } }>(
    '/v1/users/:id/refresh',
    { schema: { summary: 'Start learning about this person over; follows and settings stay', params: IdParams } },
    async (request) => {
      await moteur.refreshUser(request.params.id);
      return { userId: request.params.id, refreshed: true };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/users/:id',
    { schema: { summary: 'Erase this person: events, profile, serving history and per-person model state', params: IdParams } },
    async (request) => moteur.eraseUser(request.params.id),
  );
}
