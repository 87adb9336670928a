import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { Moteur } from '../../app/moteur.ts';
import { DECISION_CATEGORIES, MODERATOR_ACTIONS } from '../../safety/vocabulary.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';
import { enumOf, IdParams } from './shared.ts';

const DECISION_ACTIONS = [...MODERATOR_ACTIONS, 'freeze'] as const;
const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const QueueItem = Type.Object({
  videoId: Type.String(),
  risk: Type.Number({ description: 'report weight x reporter reliability x reason severity, times (1 + log10(1 + reach))' }),
  reports: Type.Integer(),
  weightedReports: Type.Number({ description: 'the reports as counted after the integrity checks' }),
  byReason: Type.Record(Type.String(), Type.Number()),
  reach: Type.Integer(),
  frozen: Type.Boolean(),
  integrity: Type.Array(Type.String(), { description: 'why some reports count for less' }),
  held: Type.Optional(Type.String({ description: 'held before any report, on what earlier removals say: why' })),
  appeal: Type.Optional(
    Type.Object(
      { id: Type.String(), decisionId: Type.String(), action: enumOf(DECISION_ACTIONS), decidedBy: Type.String() },
      { description: 'an appeal reopened the case: another moderator than the one who decided must decide it' },
    ),
  ),
});

const Decision = Type.Object({
  id: Type.String(),
  videoId: Type.String(),
  action: enumOf(DECISION_ACTIONS),
  category: enumOf(DECISION_CATEGORIES),
  ground: enumOf(['illegal', 'incompatible'] as const),
  legalGround: OrNull(Type.String()),
  explanation: Type.String(),
  label: OrNull(Type.String()),
  decidedBy: enumOf(['human', 'automated'] as const),
  moderator: Type.String(),
  source: enumOf(['notice', 'own_initiative'] as const),
  appealId: OrNull(Type.String()),
  ts: Type.Number({ description: 'epoch milliseconds' }),
  reach: Type.Integer({ description: 'times the video had been served when the decision was taken' }),
});

const Appeal = Type.Object({
  id: Type.String(),
  decisionId: Type.String(),
  videoId: Type.String(),
  explanation: Type.String(),
  ts: Type.Number({ description: 'epoch milliseconds' }),
  status: enumOf(['open', 'upheld', 'reversed'] as const),
  resolvedBy: OrNull(Type.String({ description: 'the decision that closed it' })),
});

const StatementOfReasons = Type.Object({
  statement: Type.Record(Type.String(), OrNull(Type.Union([Type.String(), Type.Array(Type.String())])), {
    description: 'the EU DSA Transparency Database fields',
  }),
  creatorCopy: Type.Object({
    decisionId: Type.String(),
    videoId: Type.String(),
    decided: Type.String(),
    why: Type.String(),
    decidedBy: Type.String(),
    date: Type.String(),
    howToAppeal: Type.String(),
  }),
});

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
        response: { 200: Type.Object({ items: Type.Array(QueueItem) }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'readModerationQueue', SYSTEM, 'moderation');
      return { items: moteur.moderationQueue(request.query.limit ?? 100) };
    },
  );
  app.post<{ Body: Static<typeof DecisionBody> }>(
    '/v1/moderation/decisions',
    { schema: { summary: 'Decide about a video: remove, not_for_you, age_restrict, label or restore', body: DecisionBody, response: { 200: Decision } } },
    async (request) => {
      const body = request.body;
      const by = access.check(request.principal, 'decideModeration', { type: 'Video', id: body.videoId }, 'moderation');
      return moteur.decide(body as Parameters<Moteur['decide']>[0], by);
    },
  );
  app.post<{ Body: Static<typeof AppealBody> }>(
    '/v1/moderation/appeals',
    { schema: { summary: "A creator's appeal of a decision: the case reopens for another moderator", body: AppealBody, response: { 200: Appeal } } },
    async (request) => {
      const decision = moteur.decision(request.body.decisionId);
      const by = access.check(request.principal, 'appealDecision', { type: 'Video', id: decision.videoId }, 'appeal');
      return moteur.appeal(decision.id, request.body.explanation, by);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/moderation/decisions/:id/statement',
    {
      schema: {
        summary: "A decision's statement of reasons (EU DSA Transparency Database format) and the creator's copy",
        params: IdParams,
        response: { 200: StatementOfReasons },
      },
    },
    async (request) => {
      const decision = moteur.decision(request.params.id);
      access.check(request.principal, 'readStatement', { type: 'Video', id: decision.videoId }, 'moderation');
      return moteur.statement(decision.id);
    },
  );
}
