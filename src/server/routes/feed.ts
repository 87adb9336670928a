import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import type { ServerMetrics } from '../metrics.ts';
import { IdParams } from './shared.ts';

const FeedQuery = Type.Object({
  n: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  explain: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')])),
});

export function registerFeedRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl, metrics: ServerMetrics): void {
  app.get<{ Params: { id: string }; Querystring: { n?: number; sessionId?: string; explain?: string } }>(
    '/v1/users/:id/feed',
    {
      schema: {
        summary: 'The next videos for this user, each with the reasons it was chosen (explain=1 adds its source, the ranker\'s predictions, the weights combining them and the top signals)',
        params: IdParams,
        querystring: FeedQuery,
      },
    },
    async (request) => {
      const stop = metrics.feedLatency.startTimer();
      // The engine serves someone who did not consent a feed built without their history, so that is what is asked for.
      const person = access.person(request.params.id);
      access.check(request.principal, person.consent ? 'readFeed' : 'readFeedNonPersonalized', person, 'feed');
      const { n, sessionId, explain } = request.query;
      const options: { n?: number; sessionId?: string; explain: boolean } = { explain: explain === '1' || explain === 'true' };
      if (n !== undefined) options.n = n;
      if (sessionId !== undefined) options.sessionId = sessionId;
      const feed = await moteur.feed(request.params.id, options);
      stop();
      for (const item of feed.items) metrics.servedBySource.inc({ source: item.source });
      return feed;
    },
  );
}
