import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { DECISION_CATEGORIES, MODERATOR_ACTIONS } from '../../safety/vocabulary.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import { IdParams } from './shared.ts';

const enumOf = (values: readonly string[], description: string) => Type.Unsafe<string>({ type: 'string', enum: [...values], description });

const DecisionBody = Type.Object(
  {
    videoId: Type.String({ minLength: 1, maxLength: 128 }),
    action: enumOf(MODERATOR_ACTIONS, 'remove, not_for_you (followers and link only), age_restrict (18+), label (shown labelled, never amplified), restore'),
    category: enumOf(DECISION_CATEGORIES, 'the DSA statement category, lower case without its STATEMENT_CATEGORY_ prefix'),
    ground: enumOf(['illegal', 'incompatible'], 'illegal content (then legalGround), or content incompatible with the terms'),
    legalGround: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    explanation: Type.String({ minLength: 1, maxLength: 2000, description: 'why, in words the creator will read; names no one' }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    sensitiveTopics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);

const AppealBody = Type.Object(
  {
    decisionId: Type.String({ minLength: 1, maxLength: 128 }),
    explanation: Type.String({ minLength: 1, maxLength: 2000, description: "the creator's case" }),
  },
  { additionalProperties: false },
);

/** The review queue, moderators' decisions, creators' appeals and statements of reasons (docs/safety.md). */
export function registerModerationRoutes(app: FastifyInstance, moteur: Moteur, access: AccessControl): void {
  app.get<{ Querystring: { limit?: number } }>(
    '/v1/moderation/queue',
    {
      schema: {
        summary: 'Open moderation cases, riskiest first (reports weighted by reporter reliability, reach so far, reason severity)',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request) => {
      access.check(request.principal, 'readModerationQueue', SYSTEM, 'moderation');
      return { items: moteur.moderationQueue(request.query.limit ?? 100) };
    },
  );
  app.post<{ Body: Static<typeof DecisionBody> }>(
    '/v1/moderation/decisions',
    { schema: { summary: 'Decide about a video: remove, not_for_you, age_restrict, label or restore', body: DecisionBody } },
    async (request) => {
      const body = request.body;
      const by = access.check(request.principal, 'decideModeration', { type: 'Video', id: body.videoId }, 'moderation');
      return moteur.decide(body as Parameters<Moteur['decide']>[0], by);
    },
  );
  app.post<{ Body: Static<typeof AppealBody> }>(
    '/v1/moderation/appeals',
    { schema: { summary: "A creator's appeal of a decision: the case reopens for another moderator", body: AppealBody } },
    async (request) => {
      const decision = moteur.decision(request.body.decisionId);
      const by = access.check(request.principal, 'appealDecision', { type: 'Video', id: decision.videoId }, 'appeal');
      return moteur.appeal(decision.id, request.body.explanation, by);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/moderation/decisions/:id/statement',
    { schema: { summary: "A decision's statement of reasons (EU DSA Transparency Database format) and the creator's copy", params: IdParams } },
    async (request) => {
      const decision = moteur.decision(request.params.id);
      access.check(request.principal, 'readStatement', { type: 'Video', id: decision.videoId }, 'moderation');
      return moteur.statement(decision.id);
    },
  );
}
