import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import type { AccessRequest } from '../../trust/policy/authorizer.ts';
import type { Principal } from '../../trust/policy/keys.ts';
import { LEDGER, SYSTEM } from '../../trust/policy/vocabulary.ts';
import { enumOf } from './shared.ts';

const PAGES = ['feed', 'engine', 'audit'] as const;
type Page = (typeof PAGES)[number];

const Me = Type.Object({
  id: Type.String(),
  role: Type.String(),
  regions: Type.Array(Type.String()),
  region: Type.String({ description: "the first of the key's regions this node serves: where the console creates a new person" }),
  pages: Type.Array(enumOf(PAGES), { description: 'the console pages its role may open' }),
});

/** What each console page needs allowed: a consenting person's feed in a region of the key this node serves, the metrics, the ledger. */
function pageAccess(principal: Principal, region: string): Record<Page, AccessRequest> {
  const context = { purpose: 'console' };
  return {
    feed: { principal, action: 'readFeed', resource: { type: 'User', id: 'anyone', region, consent: true }, context },
    engine: { principal, action: 'readMetrics', resource: SYSTEM, context },
    audit: { principal, action: 'readLedger', resource: LEDGER, context },
  };
}

/**
 * The caller's own key: its id, role and regions, and which console pages the policies let it open. Nothing
 * is read about anyone, so nothing is recorded; each page's own calls are decided and recorded as usual.
 */
export function registerMeRoutes(app: FastifyInstance, access: AccessControl): void {
  app.get(
    '/v1/me',
    {
      schema: {
        summary: "The caller's key (id, role, regions, the first of them this node serves) and the console pages its role may open",
        response: { 200: Me },
      },
    },
    async (request) => {
      const { principal } = request;
      const { authorizer } = access;
      const region = principal.regions.find((r) => authorizer.servesRegion(r)) ?? authorizer.regions[0]!;
      const pages = Object.entries(pageAccess(principal, region))
        .filter(([, wanted]) => authorizer.authorize(wanted).allowed)
        .map(([page]) => page);
      // `region`: where the console creates a new person, the first of the key's regions this node serves.
      return { id: principal.id, role: principal.role, regions: principal.regions, region, pages };
    },
  );
}
