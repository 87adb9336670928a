import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { FeedOptions, Moteur } from '../../app/moteur.ts';
import { invalid } from '../../core/errors.ts';
import type { RequestFilters } from '../../feed/filters/request-filters.ts';
import type { ServerMetrics } from '../metrics.ts';
import { IdParams, VideoCardFields } from './shared.ts';

const MAX_EXCLUDED = 500;

const list = (description: string, example: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description, examples: [example] }));

const FeedQuery = Type.Object({
  n: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  explain: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')])),
  hashtags: list('only videos carrying one of these hashtags, comma-separated (a topic tab)', 'cats,dogs'),
  excludeHashtags: list('no video carrying any of these hashtags, comma-separated', 'spoilers'),
  exclude: list(`video ids to leave out, comma-separated (what the client already has), at most ${MAX_EXCLUDED}`, 'v1,v2'),
  creatorId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "only this creator's videos", examples: ['c7'] })),
});

type FeedQuery = Static<typeof FeedQuery>;

const Figures = Type.Record(Type.String(), Type.Number());
const Variants = Type.Record(Type.String(), Type.String(), { description: "the person's variant of each live experiment" });
const Timed = { name: Type.String(), ms: Type.Number() };

const FeedItem = Type.Object({
  ...VideoCardFields,
  source: Type.String(),
  score: Type.Number(),
  reasons: Type.Array(Type.String()),
  label: Type.Optional(Type.String({ description: "a moderator's label (such as unverified), to show with the video" })),
  explain: Type.Optional(
    Type.Object(
      {
        source: Type.String(),
        sourceSignals: Figures,
        predictions: Type.Optional(Figures),
        weights: Type.Optional(Figures),
        topSignals: Type.Optional(Type.Array(Type.Object({ signal: Type.String(), value: Type.Number(), contribution: Type.Number() }))),
        experiments: Type.Optional(Variants),
        dispersal: Type.Optional(Type.String({ description: 'when the sensitive-topic dispersal held a video back for this slot' })),
      },
      // What a scorer explains is its own: a new scorer's figures reach the client without a schema change.
      { additionalProperties: true, description: "with explain=1: the source's figures, the ranker's predictions and weights, the top signals" },
    ),
  ),
});

const FeedAnswer = Type.Object({
  userId: Type.String(),
  items: Type.Array(FeedItem),
  screenTimeReminder: Type.Optional(Type.Literal(true, { description: "a minor past the day's limit: time to suggest a break" })),
  experiments: Type.Optional(Variants),
  pipeline: Type.Optional(
    Type.Object(
      {
        pipeline: Type.String(),
        sources: Type.Array(Type.Object({ name: Type.String(), added: Type.Integer(), ms: Type.Number() })),
        filters: Type.Array(Type.Object({ name: Type.String(), removed: Type.Integer() })),
        scorer: Type.Object(Timed),
        selection: Type.Object({ ...Timed, filledBy: Figures }),
      },
      { description: 'with explain=1: the pipeline that built the page, and what each of its stages added, removed and took' },
    ),
  ),
});

export function registerFeedRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl, metrics: ServerMetrics): void {
  app.get<{ Params: { id: string }; Querystring: FeedQuery }>(
    '/v1/users/:id/feed',
    {
      schema: {
        summary:
          "The next videos for this user, each with the reasons it was chosen (explain=1 adds its source, the ranker's predictions, the weights combining them and the top signals)",
        params: IdParams,
        querystring: FeedQuery,
        response: { 200: FeedAnswer },
      },
    },
    async (request) => {
      const stop = metrics.feedLatency.startTimer();
      // The engine serves someone who did not consent a feed built without their history, so that is what is asked for.
      const person = access.person(request.params.id);
      access.check(request.principal, person.consent ? 'readFeed' : 'readFeedNonPersonalized', person, 'feed');
      const { n, sessionId, explain } = request.query;
      const options: FeedOptions = { explain: explain === '1' || explain === 'true' };
      if (n !== undefined) options.n = n;
      if (sessionId !== undefined) options.sessionId = sessionId;
      const filters = requestFilters(request.query);
      if (filters !== undefined) options.filters = filters;
      const feed = await moteur.feed(request.params.id, options);
      stop();
      for (const item of feed.items) metrics.servedBySource.inc({ source: item.source });
      metrics.countFeed(feed.experiments);
      return feed;
    },
  );
}

/** The items of a comma-separated list, each checked; an empty item or too many is the client's mistake. */
function items(raw: string, field: string, max: number, normalise: (item: string) => string = (x) => x): string[] {
  const out = raw.split(',').map((x) => normalise(x.trim()));
  if (out.some((x) => x === '' || x.length > 128))
    throw invalid(field, `expected comma-separated values of 1 to 128 characters, got ${JSON.stringify(raw.slice(0, 100))}`);
  if (out.length > max) throw invalid(field, `at most ${max} values, got ${out.length}`);
  return out;
}

/** The page's own filters from the query, or undefined when it names none. */
function requestFilters(query: FeedQuery): RequestFilters | undefined {
  const filters: RequestFilters = {};
  const hashtag = (h: string) => h.replace(/^#/, '').toLowerCase();
  if (query.hashtags !== undefined) filters.hashtags = items(query.hashtags, 'hashtags', 50, hashtag);
  if (query.excludeHashtags !== undefined) filters.excludeHashtags = items(query.excludeHashtags, 'excludeHashtags', 50, hashtag);
  if (query.exclude !== undefined) filters.exclude = new Set(items(query.exclude, 'exclude', MAX_EXCLUDED));
  if (query.creatorId !== undefined) filters.creatorId = query.creatorId;
  return Object.keys(filters).length === 0 ? undefined : filters;
}
