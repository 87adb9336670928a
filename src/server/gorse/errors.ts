/**
 * Gorse answers an error with its HTTP status and the message as plain text, and its clients read it that way
 * (gorsejs puts the body in its exception's message), so the Gorse-compatible routes do the same.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { MoteurError } from '../../core/errors.ts';
import { toMoteurError } from '../errors.ts';

export function sendGorseError(reply: FastifyReply, error: MoteurError): void {
  // A 503 (the event log or the audit ledger unavailable) is worth retrying, as on the /v1 routes.
  if (error.status === 503) void reply.header('retry-after', '1');
  void reply.status(error.status).type('text/plain; charset=utf-8').send(error.message);
}

export function installGorseErrors(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const mapped = toMoteurError(err, bodyLimit);
    if (mapped.status >= 500 && mapped.code === 'internal') request.log.error({ err }, 'request failed');
    sendGorseError(reply, mapped);
  });
  app.setNotFoundHandler((request, reply) => {
    sendGorseError(
      reply,
      new MoteurError('not_found', `no route ${request.method} ${request.url.split('?')[0]} in moteur's Gorse-compatible API (docs/gorse.md)`),
    );
  });
}

/** The Gorse calls that have no meaning in moteur, each answered 501 with the reason and what to do instead. */
export const UNMAPPED: { routes: `${'GET' | 'POST' | 'DELETE'} /${string}`[]; reason: string }[] = [
  {
    routes: [
      'GET /feedback',
      'GET /feedback/:type',
      'GET /feedback/:userId/:itemId',
      'GET /feedback/:type/:userId/:itemId',
      'DELETE /feedback/:userId/:itemId',
      'DELETE /feedback/:type/:userId/:itemId',
      'GET /user/:id/feedback',
      'GET /user/:id/feedback/:type',
      'GET /item/:id/feedback',
      'GET /item/:id/feedback/:type',
    ],
    reason:
      "feedback is stored as sealed, append-only watch events under each person's own key: it cannot be listed, read back or deleted one by one. " +
      "A person's own events are in GET /v1/users/:id/export (their data request); DELETE /api/user/:id erases all of them",
  },
  {
    routes: ['GET /user/:id/neighbors'],
    reason: "moteur keeps no similarity between people; GET /api/item/:id/neighbors gives a video's neighbours",
  },
  {
    routes: ['POST /session/recommend', 'POST /session/recommend/:category'],
    reason:
      "recommendations are made for a person from their stored events: insert the session's feedback (POST /api/feedback) and ask GET /api/recommend/:userId",
  },
  {
    routes: ['GET /items', 'GET /users'],
    reason: 'listing the whole catalog or every person is not offered through the Gorse-compatible API; read one with GET /api/item/:id or GET /api/user/:id',
  },
];
