import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Moteur } from '../../app/moteur.ts';
import type { ServerMetrics } from '../metrics.ts';
import { IdParams } from './shared.ts';

const FeedQuery = Type.Object({
  n: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  explain: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')])),
});

export function registerFeedRoutes(app: FastifyInstance, moteur: Moteur, metrics: ServerMetrics): void {
  app.get<{ Params: { id: string }; Querystring: { n?: number; sessionId?: string; explain?: string } }>(
    '/v1/users/:id/feed',
    {
      schema: {
        summary: 'The next videos for this user, each with the reasons it was chosen (explain=1 adds the signals)',
        params: IdParams,
        querystring: FeedQuery,
      },
    },
    async (request) => {
      const stop = metrics.feedLatency.startTimer();
      const { n, sessionId, explain } = request.query;
      const options: { n?: number; sessionId?: string; explain: boolean } = { explain: explain === '1' || explain === 'true' };
      if (n !== undefined) options.n = n;
      if (sessionId !== undefined) options.sessionId = sessionId;
      const feed = await moteur.feed(request.params.id, options);
      stop();
      return feed;
    },
  );
}
