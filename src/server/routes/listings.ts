/** Paging through the whole catalog and every person served here (administration), with opaque cursors. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { invalid } from '../../core/errors.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import { UserAnswer, VideoAnswer } from './shared.ts';

const PageQuery = Type.Object({
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'nextCursor of the previous page', examples: ['djQy'] })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, examples: [100] })),
});

const NextCursor = Type.Union([Type.String(), Type.Null()], { description: 'pass it back for the next page; null at the end' });

/** A cursor is the last id of the page before, base64url-encoded so clients treat it as opaque. */
const encodeCursor = (id: string | undefined) => (id === undefined ? null : Buffer.from(id, 'utf8').toString('base64url'));

function decodeCursor(cursor: string | undefined): string {
  if (cursor === undefined) return '';
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || id === '' || encodeCursor(id) !== cursor) {
    throw invalid('cursor', 'is not a cursor this API gave; pass nextCursor of the previous page as it is');
  }
  return id;
}

export function registerListingRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.get<{ Querystring: { cursor?: string; limit: number } }>(
    '/v1/videos',
    {
      schema: {
        summary: 'Page through the catalog by id (removed videos too); pass nextCursor back for the next page, null at the end',
        querystring: PageQuery,
        response: { 200: Type.Object({ videos: Type.Array(VideoAnswer), nextCursor: NextCursor }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'listVideos', SYSTEM, 'administration');
      const { limit } = request.query;
      const videos = await moteur.store.listVideos(decodeCursor(request.query.cursor), limit);
      return { videos, nextCursor: encodeCursor(videos.length === limit ? videos[videos.length - 1]!.id : undefined) };
    },
  );
  app.get<{ Querystring: { cursor?: string; limit: number } }>(
    '/v1/users',
    {
      schema: {
        summary: "Page through the profiles of the people of this node's regions by id; pass nextCursor back for the next page, null at the end",
        querystring: PageQuery,
        response: { 200: Type.Object({ users: Type.Array(UserAnswer), nextCursor: NextCursor }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'listUsers', SYSTEM, 'administration');
      const { users, next } = await moteur.listUsers(decodeCursor(request.query.cursor), request.query.limit);
      return { users, nextCursor: encodeCursor(next) };
    },
  );
}
