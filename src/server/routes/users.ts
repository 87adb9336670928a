import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { UserInput } from '../../core/schemas.ts';
import { EVENT_TYPES, REPORT_REASONS } from '../../core/types.ts';
import { assertWellFormed } from '../../core/validate.ts';
import { enumOf, IdParams, UserAnswer } from './shared.ts';

const LoggedEvent = Type.Object({
  seq: Type.Number({ description: 'its position in the event log' }),
  id: Type.String(),
  userId: Type.String(),
  videoId: Type.String(),
  type: enumOf(EVENT_TYPES),
  ts: Type.Number({ description: 'epoch milliseconds' }),
  watchMs: Type.Optional(Type.Number()),
  sessionId: Type.Optional(Type.String()),
  position: Type.Optional(Type.Number()),
  reason: Type.Optional(enumOf(REPORT_REASONS)),
  signalWeight: Type.Optional(Type.Number({ description: 'what a like from a new account or a burst counts for in the learners (absent: 1)' })),
});

const UserExport = Type.Object({
  user: UserAnswer,
  events: Type.Array(LoggedEvent),
  served: Type.Array(Type.Object({ videoId: Type.String(), ts: Type.Number() })),
  learned: Type.Object({
    follows: Type.Array(Type.String()),
    hiddenCreators: Type.Array(Type.String()),
    hiddenSounds: Type.Array(Type.String()),
    recentPositives: Type.Array(Type.String()),
    keptPositives: Type.Array(Type.String(), { description: 'every positive kept about the person, oldest first (the last ones are recentPositives)' }),
    affinities: Type.Array(Type.Object({ key: Type.String(), value: Type.Number() })),
    interestVector: Type.Union([Type.Array(Type.Number()), Type.Null()], { description: 'null before the person has one' }),
  }),
});

export function registerUserRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.put<{ Params: { id: string }; Body: UserInput | undefined }>(
    '/v1/users/:id',
    { schema: { summary: 'Create or update a user (fields not given keep their value)', params: IdParams, body: UserInput, response: { 200: UserAnswer } } },
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
  app.get<{ Params: { id: string } }>(
    '/v1/users/:id',
    { schema: { summary: 'One user', params: IdParams, response: { 200: UserAnswer } } },
    async (request) => {
      access.check(request.principal, 'readUser', access.person(request.params.id), 'account');
      return moteur.getUser(request.params.id);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/users/:id/export',
    { schema: { summary: 'Everything stored or learned about this person, as JSON', params: IdParams, response: { 200: UserExport } } },
    async (request) => {
      access.check(request.principal, 'exportUser', access.person(request.params.id), 'user request');
      return moteur.exportUser(request.params.id);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/v1/users/:id/refresh',
    {
      schema: {
        summary: 'Start learning about this person over; follows and settings stay',
        params: IdParams,
        response: { 200: Type.Object({ userId: Type.String(), refreshed: Type.Literal(true) }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'refreshUser', access.person(request.params.id), 'user request');
      await moteur.refreshUser(request.params.id);
      return { userId: request.params.id, refreshed: true };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/users/:id',
    {
      schema: {
        summary: 'Erase this person: events, profile, serving history and per-person model state',
        params: IdParams,
        response: { 200: Type.Object({ userId: Type.String(), eventsErased: Type.Integer() }) },
      },
    },
    async (request) => {
      const by = access.check(request.principal, 'eraseUser', access.person(request.params.id), 'user request');
      return moteur.eraseUser(request.params.id, by);
    },
  );
}
