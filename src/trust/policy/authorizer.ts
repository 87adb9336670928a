/**
 * Decides every data access with Cedar: deny unless a policy permits, and any forbid beats every permit.
 * Policies are parsed and validated once per load and cached inside the Cedar engine, so a decision only
 * converts the request (principal, action, resource, context) and evaluates.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { setFlagsFromString } from 'node:v8';
import { invalid, MoteurError } from '../../core/errors.ts';
import { DecisionMemo } from './decision-memo.ts';
import { KeyRing, type KeyRecord, type KeySource, type Principal } from './keys.ts';
import { loadPolicyFiles } from './policy-files.ts';
import type { ActionName, Resource, ResourceOf } from './vocabulary.ts';

// Node 20's V8 aborts the process ("unreachable code" in the deoptimizer) when optimised code that inlined a
// call into Cedar's WebAssembly is deoptimised while that call runs JavaScript callbacks; not inlining JS to
// WebAssembly calls avoids it (access control on a feed request stayed at p99 63 µs in bench:authz). Set before
// any such code is optimised.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export interface AccessRequest<A extends ActionName = ActionName> {
  principal: Principal;
  action: A;
  resource: ResourceOf<A>;
  /**
   * Why the data is touched (for example `feed`, `account`, `user request`, `moderation`); recorded in the ledger.
   * `nodeRegion` decides the request as served in that region (one of the node's) instead of the usual one
   * (see `nodeRegionFor`): an ingest batch is decided for the region of each person it holds events of.
   */
  context: { purpose: string; nodeRegion?: string };
}

export interface Decision {
  allowed: boolean;
  /** Ids of the policies that decided: the permits behind an allow, the forbids behind a deny; empty when nothing permitted. */
  reasons: string[];
  /** `<label>+sha256:<hex>` of the policies that decided, for the audit ledger. */
  policyVersion: string;
  /** Policies that failed to evaluate. Any error makes the decision a deny (with no reasons), so a broken forbid cannot open access. */
  errors?: string[];
}

export interface AuthorizerOptions {
  /** Directory with `*.cedar`, `schema.cedarschema` and `VERSION` (the repository's `policies/`). */
  policyDir: string;
  /** The keys file (JSON, hashes only); a missing file accepts no key. */
  keysFile: string;
  /** Where keys are looked up instead of the keys file (a cluster's shared store). */
  keySource?: KeySource | undefined;
  /**
   * The regions this node serves, the first being its home region. A person's data is served only in their
   * own region, so a request about a person is decided as served in that person's region when the node
   * serves it, and in the home region otherwise (which the residency guard then forbids).
   */
  regions: readonly string[];
}

interface LoadedPolicies {
  version: string;
  label: string;
  setId: string;
  memo: DecisionMemo;
}

function resourceEntity(resource: Resource): cedar.EntityJson {
  const uid = { type: resource.type, id: resource.id };
  return resource.type === 'User' ? { uid, attrs: { region: resource.region, personalized: resource.consent }, parents: [] } : { uid, attrs: {}, parents: [] };
}

/** Parses and validates a policy directory and hands it to the Cedar engine under an id named by its hash. */
function loadPolicies(dir: string): LoadedPolicies {
  const files = loadPolicyFiles(dir);
  const setId = `moteur:${files.version}`;
  const answer = cedar.preparsePolicySet(setId, { staticPolicies: files.policies });
  if (answer.type === 'failure') throw new MoteurError('policy_invalid', `${dir}: ${answer.errors.map((e) => e.message).join('; ')}`);
  return { version: files.version, label: files.label, setId, memo: new DecisionMemo(Object.values(files.policies)) };
}

export class Authorizer {
  private policies: LoadedPolicies;
  private readonly keyRing: KeySource;

  constructor(private readonly options: AuthorizerOptions) {
    if (options.regions.length === 0) throw invalid('regions', 'a node serves at least one region');
    this.policies = loadPolicies(options.policyDir);
    this.keyRing = options.keySource ?? new KeyRing(options.keysFile);
  }

  get policyVersion(): string {
    return this.policies.version;
  }

  /** The human version line of the policies in force. */
  get policyLabel(): string {
    return this.policies.label;
  }

  /** The regions this node serves, home region first. */
  get regions(): readonly string[] {
    return this.options.regions;
  }

  servesRegion(region: string): boolean {
    return this.options.regions.includes(region);
  }

  /**
   * Where a request is served: a person's own region when this node serves it; otherwise, for a person,
   * the home region, and for anything else the first region the node and the key have in common.
   */
  nodeRegionFor(principal: Principal, resource: Resource): string {
    const { regions } = this.options;
    if (resource.type === 'User') return this.servesRegion(resource.region) ? resource.region : regions[0]!;
    return regions.find((r) => principal.regions.includes(r)) ?? regions[0]!;
  }

  /** The principal an API key stands for, or undefined for an unknown or revoked key. */
  principalForKey(apiKey: string): Principal | undefined {
    return this.keyRing.principalForKey(apiKey);
  }

  /** The keys in force (hashes and principals, never keys). */
  keys(): Array<KeyRecord & { hash: string }> {
    return this.keyRing.list();
  }

  /** The principal behind an `Authorization: Bearer <key>` header value; a 401 MoteurError when there is none. */
  principalForBearer(authorization: string | undefined): Principal {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new MoteurError('unauthenticated', `send an API key as "Authorization: Bearer <key>"; ${this.keyRing.howToCreate}`);
    const principal = this.keyRing.principalForKey(match[1]!);
    if (!principal) throw new MoteurError('unauthenticated', `unknown or revoked API key; ${this.keyRing.howToCreate}`);
    return principal;
  }

  /**
   * Re-reads the policy directory and the keys file. Both are checked before either replaces what is in
   * force, so a broken edit throws (naming the file and line) and the node keeps deciding as before.
   */
  reload(): { policyVersion: string; label: string } {
    const policies = loadPolicies(this.options.policyDir);
    this.keyRing.reload();
    this.policies = policies;
    return { policyVersion: policies.version, label: policies.label };
  }

  /** Re-reads the keys file only; a malformed one throws and the keys loaded stay in force. */
  reloadKeys(): void {
    this.keyRing.reload();
  }

  /** Decides one access. Decisions are frozen and may be shared between requests: record them, do not edit them. */
  authorize<A extends ActionName>(request: AccessRequest<A>): Decision {
    const { memo } = this.policies;
    const key = memo.keyOf(request);
    let decision = memo.get(key);
    if (!decision) {
      decision = this.evaluate(request);
      Object.freeze(decision.reasons);
      Object.freeze(decision);
      memo.set(key, decision);
    }
    return decision;
  }

  private evaluate(request: AccessRequest): Decision {
    const { principal, action } = request;
    const resource: Resource = request.resource;
    const nodeRegion =
      request.context.nodeRegion !== undefined && this.servesRegion(request.context.nodeRegion)
        ? request.context.nodeRegion
        : this.nodeRegionFor(principal, resource);
    const context: cedar.Context = { purpose: request.context.purpose, nodeRegion };
    if (resource.type === 'User') {
      context.resourceRegion = resource.region;
      context.consent = resource.consent;
    }
    const answer = cedar.statefulIsAuthorized({
      principal: { type: 'Principal', id: principal.id },
      action: { type: 'Action', id: action },
      resource: { type: resource.type, id: resource.id },
      context,
      entities: [
        { uid: { type: 'Principal', id: principal.id }, attrs: { regions: [...principal.regions] }, parents: [{ type: 'Role', id: principal.role }] },
        resourceEntity(resource),
      ],
      preparsedPolicySetId: this.policies.setId,
    });
    const policyVersion = this.policies.version;
    if (answer.type === 'failure') return { allowed: false, reasons: [], policyVersion, errors: answer.errors.map((e) => e.message) };
    const { decision, diagnostics } = answer.response;
    if (diagnostics.errors.length > 0) {
      return { allowed: false, reasons: [], policyVersion, errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`) };
    }
    return { allowed: decision === 'allow', reasons: diagnostics.reason, policyVersion };
  }
}

/** The error to answer a denied request with (403), naming the action and why: the forbids, no permit, or a failed policy. */
export function accessDenied(request: AccessRequest, decision: Decision): MoteurError {
  const why = decision.errors
    ? `a policy failed to evaluate (${decision.errors.join('; ')})`
    : decision.reasons.length > 0
      ? `forbidden by ${decision.reasons.join(', ')}`
      : 'no policy permits it';
  return new MoteurError('forbidden', `${request.principal.id} (${request.principal.role}) may not ${request.action} ${request.resource.type}: ${why}`);
}
