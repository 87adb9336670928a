import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { UserInput } from '../../core/schemas.ts';
import { assertWellFormed } from '../../core/validate.ts';
import { IdParams } from './shared.ts';

export function registerUserRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.put<{ Params: { id: string }; Body: UserInput | undefined }>(
    '/v1/users/:id',
    { schema: { summary: 'Create or update a user (fields not given keep their value)', params: IdParams, body: UserInput } },
    async (request) => {
      const body = request.body ?? {};
      // Checked before the region it names reaches the policies.
      assertWellFormed(body, 'user');
      const person = access.person(request.params.id, body.region);
      const consent = body.settings?.personalized;
      const changesConsent = moteur.peekUser(person.id) !== undefined && consent !== undefined && consent !== person.consent;
      access.check(request.principal, changesConsent ? 'changeConsent' : 'putUser', person, 'account');
      return moteur.putUser(request.params.id, body);
    },
  );
  app.get<{ Params: { id: string } }>('/v1/users/:id', { schema: { summary: 'One user', params: IdParams } }, async (request) => {
    access.check(request.principal, 'readUser', access.person(request.params.id), 'account');
    return moteur.getUser(request.params.id);
  });
  app.get<{ Params: { id: string } }>(
    '/v1/users/:id/export',
    { schema: { summary: 'Everything stored or learned about this person, as JSON', params: IdParams } },
    async (request) => {
      access.check(request.principal, 'exportUser', access.person(request.params.id), 'user request');
      return moteur.exportUser(request.params.id);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/v1/users/:id/refresh',
    { schema: { summary: 'Start learning about this person over; follows and settings stay', params: IdParams } },
    async (request) => {
      access.check(request.principal, 'refreshUser', access.person(request.params.id), 'user request');
      await moteur.refreshUser(request.params.id);
      return { userId: request.params.id, refreshed: true };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/users/:id',
    { schema: { summary: 'Erase this person: events, profile, serving history and per-person model state', params: IdParams } },
    async (request) => {
      const by = access.check(request.principal, 'eraseUser', access.person(request.params.id), 'user request');
      return moteur.eraseUser(request.params.id, by);
    },
  );
}
