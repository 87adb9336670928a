/**
 * Catalog reads about no one: videos like one, trending in a region, new (the lists of src/app/video-lists.ts,
 * each video with its main fields), several by id. A list may name the person it is for (`userId`), only so that
 * their age band decides whether age-restricted videos may show.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import type { ListedVideo as Listed } from '../../app/video-lists.ts';
import { MoteurError } from '../../core/errors.ts';
import type { Video } from '../../core/types.ts';
import type { Principal } from '../../trust/policy/keys.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import { IdParams, VideoAnswer, VideoCardFields } from './shared.ts';

export const MAX_BATCH_GET = 500;

const ListedVideo = Type.Object({
  ...VideoCardFields,
  createdAt: Type.String({ format: 'date-time' }),
  score: Type.Number(),
  reasons: Type.Array(Type.String()),
});

function listed({ video, score, reasons }: Listed) {
  const { id: videoId, creatorId, soundId, hashtags, durationMs } = video;
  return { videoId, creatorId, soundId, hashtags, durationMs, createdAt: new Date(video.createdAt).toISOString(), score: Number(score.toFixed(6)), reasons };
}

const example = {
  videoId: 'v42',
  creatorId: 'c7',
  soundId: 's3',
  hashtags: ['cats'],
  durationMs: 15000,
  createdAt: '2026-11-22T10:00:00.000Z',
  score: 1.42,
  reasons: ['looks like this video (content similarity 0.83)', 'people who enjoyed this video also enjoyed it (co-engagement 0.59 of the strongest)'],
};

const ForPerson = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 128,
    description: 'The person the list is for: age-restricted videos show only to someone of 18 or more (no one named: unknown age)',
    examples: ['u42'],
  }),
);

const Count = (what: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10, description: `${what} (1 to 100)`, examples: [10] }));
const listOf = (extra: Record<string, ReturnType<typeof Type.String>>, sample: Record<string, unknown>) =>
  Type.Object({ ...extra, items: Type.Array(ListedVideo) }, { examples: [{ ...sample, items: [example] }] });

export function registerCatalogRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  /** A list for a named person reads their age band: an access to that person, decided and recorded as a feed's. */
  const forPerson = (principal: Principal, userId: string | undefined) => {
    if (userId !== undefined) access.checkFeed(principal, userId, 'catalog');
    return userId;
  };
  app.get<{ Params: { id: string }; Querystring: { n: number; userId?: string } }>(
    '/v1/videos/:id/similar',
    {
      schema: {
        summary: 'Videos like this one: its nearest content embeddings and what its audience also enjoyed, each with its reasons',
        params: IdParams,
        querystring: Type.Object({ n: Count('videos'), userId: ForPerson }),
        response: { 200: listOf({ videoId: Type.String() }, { videoId: 'v1' }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'readVideo', { type: 'Video', id: request.params.id }, 'catalog');
      const { id } = request.params;
      const userId = forPerson(request.principal, request.query.userId);
      return { videoId: id, items: moteur.similarVideos(id, { n: request.query.n, userId }).map(listed) };
    },
  );
  app.get<{ Querystring: { region?: string; n: number; userId?: string } }>(
    '/v1/trending',
    {
      schema: {
        summary: "The most popular videos of the moment that can be served in a region (default: the node's home region)",
        querystring: Type.Object({
          region: Type.Optional(Type.String({ minLength: 1, maxLength: 32, examples: ['eu'] })),
          n: Count('videos'),
          userId: ForPerson,
        }),
        response: { 200: listOf({ region: Type.String() }, { region: 'eu' }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'readCatalog', SYSTEM, 'catalog');
      const served = moteur.residency.regions;
      const region = request.query.region ?? served[0]!;
      if (!served.includes(region)) {
        throw new MoteurError('wrong_region', `region: this node serves ${served.join(', ')}; ask a node of region ${region} for its trending videos`, {
          field: 'region',
        });
      }
      const userId = forPerson(request.principal, request.query.userId);
      return { region, items: moteur.popularVideos({ region, n: request.query.n, userId }).map(listed) };
    },
  );
  app.get<{ Querystring: { n: number; userId?: string } }>(
    '/v1/videos/new',
    {
      schema: {
        summary: 'The newest videos of the catalog, newest first',
        querystring: Type.Object({ n: Count('videos'), userId: ForPerson }),
        response: { 200: listOf({}, {}) },
      },
    },
    async (request) => {
      access.check(request.principal, 'readCatalog', SYSTEM, 'catalog');
      const userId = forPerson(request.principal, request.query.userId);
      return { items: moteur.newestVideos({ n: request.query.n, userId }).map(listed) };
    },
  );
  app.post<{ Body: { ids: string[] } }>(
    '/v1/videos/batch-get',
    {
      schema: {
        summary: `Up to ${MAX_BATCH_GET} videos by id, in the order asked; ids not in the catalog are listed under missing`,
        body: Type.Object(
          { ids: Type.Array(IdParams.properties.id, { minItems: 1, maxItems: MAX_BATCH_GET }) },
          { additionalProperties: false, examples: [{ ids: ['v1', 'v2', 'nope'] }] },
        ),
        response: { 200: Type.Object({ videos: Type.Array(VideoAnswer), missing: Type.Array(Type.String()) }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'readCatalog', SYSTEM, 'catalog');
      const videos: Video[] = [];
      const missing: string[] = [];
      for (const id of request.body.ids) {
        const video = moteur.catalog.get(id);
        if (video === undefined) missing.push(id);
        else videos.push(video);
      }
      return { videos, missing };
    },
  );
}
