/**
 * Remembers decisions, keyed by everything in a request the policies can observe.
 *
 * A Cedar call costs tens of microseconds (converting the request into the engine dominates), while a
 * node sees few distinct (principal, action, region, consent, purpose) combinations. Policies validated
 * in strict mode against our schema can observe a person's or a video's id only by comparing it with an
 * entity literal such as `User::"alice"` (ids are not attributes), so the id joins the key only for the
 * resource types such literals name. Everything else in the request is always part of the key.
 */
import type { AccessRequest, Decision } from './authorizer.ts';
import type { Resource, ResourceType } from './vocabulary.ts';

/** Bounds memory: when full, the memo starts over (distinct keys are few, so this is rare). */
const MAX_ENTRIES = 100_000;

/** Resource types whose ids appear as entity literals in the policy texts (`Type::"..."`, spaces allowed). */
function typesNamedByLiteral(policyTexts: readonly string[]): Set<ResourceType> {
  const types: ResourceType[] = ['User', 'Video'];
  return new Set(types.filter((type) => policyTexts.some((text) => new RegExp(`\\b${type}\\s*::\\s*"`).test(text))));
}

export class DecisionMemo {
  private readonly decisions = new Map<string, Decision>();
  private readonly idMatters: Set<ResourceType>;

  constructor(policyTexts: readonly string[]) {
    this.idMatters = typesNamedByLiteral(policyTexts);
  }

  keyOf(request: AccessRequest): string {
    const { principal, action, context } = request;
    const resource: Resource = request.resource;
    const id = this.idMatters.has(resource.type) ? resource.id : '';
    const person = resource.type === 'User' ? [resource.region, resource.consent] : [];
    // JSON, so no choice of separator can make two different requests share a key.
    return JSON.stringify([principal.id, principal.role, principal.regions, action, resource.type, id, context.purpose, context.nodeRegion ?? null, ...person]);
  }

  get(key: string): Decision | undefined {
    return this.decisions.get(key);
  }

  set(key: string, decision: Decision): void {
    if (this.decisions.size >= MAX_ENTRIES) this.decisions.clear();
    this.decisions.set(key, decision);
  }
}
