import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import type { RankRejection } from '../../app/rank.ts';
import { invalid, MoteurError } from '../../core/errors.ts';
import { MAX_RANK_BATCH, RankInput } from '../../core/schemas.ts';
import { IdParams } from './shared.ts';

const Ranking = Type.Object({
  userId: Type.String(),
  items: Type.Array(
    Type.Object({
      videoId: Type.String(),
      score: Type.Number(),
      reasons: Type.Array(Type.String(), { description: 'What drove the score: the predictions behind it and its strongest signal' }),
    }),
    { description: 'Best first, in the order of the scorer the feed serves' },
  ),
  rejected: Type.Array(
    Type.Object({
      videoId: Type.String(),
      code: Type.Unsafe<RankRejection['code']>({ type: 'string', enum: ['unknown_video', 'video_removed'] }),
      message: Type.String(),
    }),
    { description: 'The videos that could not be ranked, with the reason' },
  ),
});

const rankInput = TypeCompiler.Compile(RankInput);

/**
 * Checks the body as it was sent, before the schema validator (which would coerce `1` into `"1"`) sees it:
 * too many ids is a 413 like the other batch routes, anything else wrong a 400 naming what.
 */
async function checkBody(request: FastifyRequest): Promise<void> {
  const body: unknown = request.body;
  if (rankInput.Check(body)) return;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'expected a JSON object {"videoIds": [...]}');
  const extra = Object.keys(body).find((key) => key !== 'videoIds');
  if (extra !== undefined) throw invalid(extra, 'unknown field (allowed: videoIds)');
  const ids = (body as { videoIds?: unknown }).videoIds;
  if (ids === undefined) throw invalid('videoIds', `is required: an array of 1 to ${MAX_RANK_BATCH} video ids`);
  if (!Array.isArray(ids)) throw invalid('videoIds', `must be an array of 1 to ${MAX_RANK_BATCH} video ids (strings)`);
  if (ids.length === 0) throw invalid('videoIds', 'must hold at least one video id');
  if (ids.length > MAX_RANK_BATCH) {
    throw new MoteurError('batch_too_large', `videoIds holds ${ids.length} items; the limit is ${MAX_RANK_BATCH} per request`, { field: 'videoIds' });
  }
  const first = rankInput.Errors(body).First();
  const at = /^\/videoIds\/(\d+)/.exec(first?.path ?? '')?.[1];
  throw invalid(at === undefined ? 'videoIds' : `videoIds[${at}]`, `${first?.message.toLowerCase() ?? 'is not valid'} (a video id)`);
}

export function registerRankRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.post<{ Params: { id: string }; Body: RankInput }>(
    '/v1/users/:id/rank',
    {
      preValidation: checkBody,
      schema: {
        summary: `Rank up to ${MAX_RANK_BATCH} of the caller's videos for this user with the scorer the feed serves, less the item graph's score: no filters, re-ranking or exploration, nothing recorded as served; unknown and removed videos are rejected`,
        params: IdParams,
        body: RankInput,
        response: { 200: Ranking },
      },
    },
    async (request) => {
      // Decided and recorded as a feed access: the scorer reads what was learned about the person only with their consent.
      const person = access.person(request.params.id);
      access.check(request.principal, person.consent ? 'readFeed' : 'readFeedNonPersonalized', person, 'rank');
      return moteur.rank(request.params.id, request.body.videoIds);
    },
  );
}
