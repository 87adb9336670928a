import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { MAX_VIDEO_BATCH } from '../../core/schemas.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import { BatchResult, batchReply, IdParams, VideoAnswer } from './shared.ts';

export function registerVideoRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.post<{ Body: { videos: unknown } }>(
    '/v1/videos',
    {
      schema: {
        summary: `Upsert a batch of up to ${MAX_VIDEO_BATCH} videos; each item is validated on its own (see VideoInput)`,
        body: Type.Object({ videos: Type.Array(Type.Unknown(), { description: 'VideoInput items' }) }, { additionalProperties: false }),
        response: { 200: BatchResult },
      },
    },
    async (request) => {
      access.check(request.principal, 'upsertVideos', SYSTEM, 'catalog');
      return batchReply(await moteur.upsertVideos(request.body.videos));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/videos/:id',
    { schema: { summary: 'One video', params: IdParams, response: { 200: VideoAnswer } } },
    async (request) => {
      access.check(request.principal, 'readVideo', { type: 'Video', id: request.params.id }, 'catalog');
      return moteur.getVideo(request.params.id);
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/videos/:id',
    { schema: { summary: 'Mark a video removed: it is never served again', params: IdParams, response: { 200: VideoAnswer } } },
    async (request) => {
      access.check(request.principal, 'removeVideo', { type: 'Video', id: request.params.id }, 'moderation');
      return moteur.removeVideo(request.params.id);
    },
  );
}
