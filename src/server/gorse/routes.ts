/**
 * Gorse's v0.4 REST API (as the gorsejs client speaks it) over the engine, mounted at /api: a Gorse client
 * moves to moteur by changing its endpoint and key. Every call goes through the same engine methods, access
 * checks and audit ledger as the /v1 routes; src/gorse/mapping.ts says how items and feedback become videos
 * and events. Gorse's answers: `{"RowAffected": n}` for writes, ids or `{Id, Score}` lists for reads, and
 * errors as plain text (errors.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import type { ListedVideo } from '../../app/video-lists.ts';
import { invalid, MoteurError } from '../../core/errors.ts';
import { MAX_EVENT_BATCH, MAX_VIDEO_BATCH } from '../../core/schemas.ts';
import type { ItemOutcome } from '../../core/types.ts';
import {
  checkGorseMapping,
  eventFromFeedback,
  GorseFeedback,
  GorseItem,
  GorseItemPatch,
  GorseUser,
  hashtagOf,
  itemFromVideo,
  patchedItem,
  videoFromItem,
} from '../../gorse/mapping.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import type { ServerMetrics } from '../metrics.ts';
import { installGorseErrors, sendGorseError, UNMAPPED } from './errors.ts';
import { parseGoDuration } from './go-duration.ts';

const MAX_USER_BATCH = 1000;

export interface GorseApiOptions {
  moteur: Moteur;
  access: AccessControl;
  bodyLimit: number;
  /** The same counters as /v1: feedback is ingest. */
  metrics: ServerMetrics;
}

const ListQuery = Type.Object(
  { n: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })) },
  { additionalProperties: false },
);
const RecommendQuery = Type.Composite(
  [
    ListQuery,
    Type.Object({ 'write-back-type': Type.Optional(Type.String({ minLength: 1 })), 'write-back-delay': Type.Optional(Type.String({ minLength: 1 })) }),
  ],
  { additionalProperties: false },
);
type ListQuery = { n?: number; offset?: number };
type RecommendQuery = ListQuery & { 'write-back-type'?: string; 'write-back-delay'?: string };

const rows = (n: number) => ({ RowAffected: n });
const scored = (list: ListedVideo[]) => list.map((v) => ({ Id: v.video.id, Score: v.score }));
/** Gorse scores its latest items by their timestamp (epoch seconds). */
const timestamped = (list: ListedVideo[]) => list.map((v) => ({ Id: v.video.id, Score: Math.floor(v.video.createdAt / 1000) }));

/** Gorse answers a batch in one piece: the first item moteur refused fails the call, naming it and why. */
function refusedIn(outcomes: ItemOutcome[]): MoteurError | undefined {
  const failed = outcomes.find((o) => o.status === 'failed');
  if (failed !== undefined && failed.status === 'failed') return new MoteurError(failed.code, `${failed.id}: ${failed.message}`);
  const rejected = outcomes.find((o) => o.status === 'rejected');
  if (rejected === undefined || rejected.status !== 'rejected') return undefined;
  const stored = outcomes.filter((o) => o.status === 'stored').length;
  // Gorse answers any refused item with a 400, whatever moteur's code (an unknown video is a 404 elsewhere).
  return new MoteurError(rejected.code, `${rejected.id ?? 'an item'}: ${rejected.message} (${stored} of ${outcomes.length} were stored)`, {
    field: rejected.field,
    status: 400,
  });
}

export async function gorseApi(app: FastifyInstance, { moteur, access, bodyLimit, metrics }: GorseApiOptions): Promise<void> {
  const mapping = moteur.config.gorse;
  checkGorseMapping(mapping);
  installGorseErrors(app, bodyLimit);
  // gorsejs sends its bodiless PUTs (adding a category) as an empty form; an empty body is no body, anything else is refused.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') done(null, undefined);
    else done(new MoteurError('unsupported_media_type', 'send JSON with Content-Type: application/json'));
  });
  // Gorse's API is described by Gorse; moteur's own OpenAPI document (and the typed client made from it) is /v1.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  const page = (query: ListQuery) => ({ n: query.n ?? moteur.config.feed.defaultPageSize, offset: query.offset ?? 0 });
  /** The hashtag a route's category selects; none when the route names no category. */
  const categoryHashtag = (category: string | undefined) => (category === undefined || category === '' ? undefined : hashtagOf(category));

  // ---- items: videos with the configured creator and duration, labels and categories as hashtags

  /** Decided before the items are made, so that one built from a stored video (a patch) is read only once allowed. */
  const upsertItems = async (request: FastifyRequest, items: () => GorseItem[]) => {
    access.check(request.principal, 'upsertVideos', SYSTEM, 'catalog');
    const videos = items().map((item) => videoFromItem(item, moteur.catalog.get(item.ItemId), mapping));
    const outcomes = await moteur.upsertVideos(videos);
    const refused = refusedIn(outcomes);
    if (refused !== undefined) throw refused;
    return rows(outcomes.length);
  };
  app.post<{ Body: GorseItem }>('/item', { schema: { body: GorseItem } }, async (request) => upsertItems(request, () => [request.body]));
  app.post<{ Body: GorseItem[] }>('/items', { schema: { body: Type.Array(GorseItem, { maxItems: MAX_VIDEO_BATCH }) } }, async (request) =>
    upsertItems(request, () => request.body),
  );
  app.get<{ Params: { id: string } }>('/item/:id', async (request) => {
    access.check(request.principal, 'readVideo', { type: 'Video', id: request.params.id }, 'catalog');
    return itemFromVideo(moteur.getVideo(request.params.id));
  });
  app.patch<{ Params: { id: string }; Body: GorseItemPatch }>('/item/:id', { schema: { body: GorseItemPatch } }, async (request) =>
    upsertItems(request, () => [patchedItem(moteur.getVideo(request.params.id), request.body)]),
  );
  app.put<{ Params: { id: string; category: string } }>('/item/:id/category/:category', async (request) =>
    upsertItems(request, () => {
      const item = itemFromVideo(moteur.getVideo(request.params.id));
      return [{ ...item, Categories: [...item.Categories, request.params.category] }];
    }),
  );
  app.delete<{ Params: { id: string; category: string } }>('/item/:id/category/:category', async (request) =>
    upsertItems(request, () => {
      const item = itemFromVideo(moteur.getVideo(request.params.id));
      const without = item.Categories.filter((c) => c !== hashtagOf(request.params.category));
      return [{ ...item, Labels: without, Categories: without }];
    }),
  );
  app.delete<{ Params: { id: string } }>('/item/:id', async (request) => {
    access.check(request.principal, 'removeVideo', { type: 'Video', id: request.params.id }, 'moderation');
    await moteur.removeVideo(request.params.id);
    return rows(1);
  });
  for (const path of ['/item/:id/neighbors', '/item/:id/neighbors/:category']) {
    app.get<{ Params: { id: string; category?: string }; Querystring: ListQuery }>(path, { schema: { querystring: ListQuery } }, async (request) => {
      access.check(request.principal, 'readVideo', { type: 'Video', id: request.params.id }, 'catalog');
      return scored(moteur.similarVideos(request.params.id, { ...page(request.query), hashtag: categoryHashtag(request.params.category) }));
    });
  }

  // ---- users: moteur keeps a person's region, language and settings, and learns the rest from their events

  /** Every person is decided before any is written, so a refusal leaves none half-inserted. */
  const insertUsers = async (request: FastifyRequest, users: GorseUser[]) => {
    for (const user of users) access.check(request.principal, 'putUser', access.person(user.UserId), 'account');
    for (const user of users) await moteur.putUser(user.UserId, {});
    return rows(users.length);
  };
  app.post<{ Body: GorseUser }>('/user', { schema: { body: GorseUser } }, async (request) => insertUsers(request, [request.body]));
  app.post<{ Body: GorseUser[] }>('/users', { schema: { body: Type.Array(GorseUser, { maxItems: MAX_USER_BATCH }) } }, async (request) =>
    insertUsers(request, request.body),
  );
  app.patch<{ Params: { id: string }; Body: Partial<GorseUser> }>(
    '/user/:id',
    { schema: { body: Type.Partial(GorseUser, { additionalProperties: false }) } },
    async (request) => {
      // Nothing a Gorse user patch holds is kept (see GorseUser): the person must exist, and stays as they are.
      const { id } = request.params;
      if (request.body.UserId !== undefined && request.body.UserId !== id)
        throw invalid('UserId', `'${request.body.UserId}' is not the user patched ('${id}'); a user's id cannot change`);
      access.check(request.principal, 'putUser', access.person(id), 'account');
      moteur.getUser(id);
      return rows(1);
    },
  );
  app.get<{ Params: { id: string } }>('/user/:id', async (request) => {
    access.check(request.principal, 'readUser', access.person(request.params.id), 'account');
    return { UserId: moteur.getUser(request.params.id).id, Labels: [], Subscribe: [], Comment: '' };
  });
  app.delete<{ Params: { id: string } }>('/user/:id', async (request) => {
    const by = access.check(request.principal, 'eraseUser', access.person(request.params.id), 'user request');
    await moteur.eraseUser(request.params.id, by);
    return rows(1);
  });

  // ---- feedback: watch events, sealed and append-only

  /** Records the feedback as events; every item must exist first (moteur does not make videos out of feedback). */
  const insertFeedback = async (request: FastifyRequest, feedback: GorseFeedback[], overwrite: boolean) => {
    const options = access.ingestOptions(request.principal);
    const events = feedback.map((f, i) => {
      const video = moteur.catalog.get(f.ItemId);
      if (video === undefined)
        throw invalid(`[${i}].ItemId`, `item '${f.ItemId}' does not exist: insert it first (POST /api/item); feedback does not create items`);
      return eventFromFeedback(f, video.durationMs, mapping, overwrite);
    });
    const outcomes = await moteur.ingest(events, options);
    metrics.countIngested(events, outcomes);
    const refused = refusedIn(outcomes);
    if (refused !== undefined) throw refused;
    return rows(events.length);
  };
  const FeedbackBatch = Type.Array(GorseFeedback, { maxItems: MAX_EVENT_BATCH });
  app.post<{ Body: GorseFeedback[] }>('/feedback', { schema: { body: FeedbackBatch } }, async (request) => insertFeedback(request, request.body, false));
  app.put<{ Body: GorseFeedback[] }>('/feedback', { schema: { body: FeedbackBatch } }, async (request) => insertFeedback(request, request.body, true));

  // ---- recommendations: the person's next feed page (within a category: narrowed to its hashtag); popular, latest

  for (const path of ['/recommend/:userId', '/recommend/:userId/:category']) {
    app.get<{ Params: { userId: string; category?: string }; Querystring: RecommendQuery }>(
      path,
      { schema: { querystring: RecommendQuery } },
      async (request) => {
        const { userId } = request.params;
        const hashtag = categoryHashtag(request.params.category);
        access.checkFeed(request.principal, userId, 'feed');
        // Each call serves the person's next page (what was served is not served again), so `offset` needs no paging here.
        const n = Math.min(page(request.query).n, moteur.config.feed.maxPageSize);
        const feed = await moteur.feed(userId, hashtag === undefined ? { n } : { n, filters: { hashtags: [hashtag] } });
        const ids = feed.items.map((item) => item.videoId);
        const writeBack = request.query['write-back-type'];
        if (writeBack !== undefined) {
          const at = Date.now() + parseGoDuration(request.query['write-back-delay'] ?? '0s', 'write-back-delay');
          await insertFeedback(
            request,
            ids.map((ItemId) => ({ FeedbackType: writeBack, UserId: userId, ItemId, Timestamp: at })),
            false,
          );
        }
        return ids;
      },
    );
  }
  for (const path of ['/popular', '/popular/:category']) {
    app.get<{ Params: { category?: string }; Querystring: ListQuery }>(path, { schema: { querystring: ListQuery } }, async (request) => {
      access.check(request.principal, 'readCatalog', SYSTEM, 'catalog');
      return scored(moteur.popularVideos({ ...page(request.query), hashtag: categoryHashtag(request.params.category) }));
    });
  }
  for (const path of ['/latest', '/latest/:category']) {
    app.get<{ Params: { category?: string }; Querystring: ListQuery }>(path, { schema: { querystring: ListQuery } }, async (request) => {
      access.check(request.principal, 'readCatalog', SYSTEM, 'catalog');
      return timestamped(moteur.newestVideos({ ...page(request.query), hashtag: categoryHashtag(request.params.category) }));
    });
  }

  // ---- what cannot map: a clear 501 rather than a 404

  for (const { routes, reason } of UNMAPPED) {
    for (const route of routes) {
      const [method, path] = route.split(' ') as ['GET' | 'POST' | 'DELETE', string];
      app.route({ method, url: path, handler: async (_request, reply) => sendGorseError(reply, new MoteurError('not_supported', `${route}: ${reason}`)) });
    }
  }
}
