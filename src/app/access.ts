/**
 * Policy-checked access to the engine: every request is decided by the Cedar authorizer and every
 * decision, allowed or denied, becomes one audit ledger entry. Administrative changes (policies reloaded,
 * keys created or revoked) are recorded too. Knows nothing about HTTP: the server maps requests onto it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MoteurError } from '../core/errors.ts';
import { accessDenied, Authorizer, type AccessRequest, type Decision } from '../trust/policy/authorizer.ts';
import { actionEntry } from '../trust/ledger/ledger.ts';
import { keysFileIn, type Principal } from '../trust/policy/keys.ts';
import type { SharedKeyRing } from '../trust/policy/postgres-keys.ts';
import { DEFAULT_POLICY_DIR } from '../trust/policy/policy-files.ts';
import { SYSTEM, type ActionName, type Resource, type ResourceByType, type ResourceOf } from '../trust/policy/vocabulary.ts';
import { wrongRegion } from '../residency/people-directory.ts';
import type { Actor, IngestOptions, Moteur } from './moteur.ts';
import { makePrivateDir } from '../core/private-files.ts';

export interface AccessOptions {
  dataDir: string;
  /** Default: the policies shipped in the repository's `policies/`. */
  policyDir?: string;
  /** A cluster's shared keys, used instead of the keys file in `dataDir`; their changes are recorded as they are claimed. */
  sharedKeys?: SharedKeyRing | undefined;
}

/** Key hashes already recorded in the ledger as created, so a later start or reload records only changes. */
const RECORDED_KEYS_FILE = 'recorded-keys.json';

export class AccessControl {
  readonly authorizer: Authorizer;
  private readonly recordedKeysFile: string;

  constructor(
    private readonly moteur: Moteur,
    options: AccessOptions,
  ) {
    const { sharedKeys } = options;
    this.authorizer = new Authorizer({
      policyDir: options.policyDir ?? DEFAULT_POLICY_DIR,
      keysFile: keysFileIn(options.dataDir),
      keySource: sharedKeys,
      regions: moteur.residency.regions,
    });
    this.recordedKeysFile = join(options.dataDir, 'ledger', RECORDED_KEYS_FILE);
    if (sharedKeys === undefined) {
      this.recordKeyChanges({ principal: 'local-operator', policyVersion: this.authorizer.policyVersion });
      return;
    }
    sharedKeys.entriesFor = ({ created, revoked }) => {
      const by = { principal: 'local-operator', policyVersion: this.authorizer.policyVersion };
      return [...created.map((key) => keyCreated(key, by)), ...revoked.map((hash) => keyRevoked(hash, by))];
    };
  }

  get policyVersion(): string {
    return this.authorizer.policyVersion;
  }

  /** The principal behind an `Authorization` header; a 401 saying how to get a key when there is none. */
  principalFor(authorization: string | undefined): Principal {
    return this.authorizer.principalForBearer(authorization);
  }

  /**
   * A person as policies see them: their region and consent. A person of a region this node does not serve
   * keeps their region (and is refused); someone unknown is about to be created in `newRegion` (the region
   * a request gives, else the node's home region) with consent.
   */
  person(userId: string, newRegion?: string): ResourceByType['User'] {
    const user = this.moteur.peekUser(userId);
    if (user !== undefined) return { type: 'User', id: userId, region: user.region, consent: user.settings.personalized };
    const region = this.moteur.residency.regionOf(userId) ?? newRegion ?? this.authorizer.regions[0]!;
    return { type: 'User', id: userId, region, consent: true };
  }

  /**
   * Decides one access and records the decision in the ledger. Throws the 403 (or, for a person served by
   * another region's nodes, a 403 `wrong_region`) when it is denied; otherwise returns whom the engine acts for.
   */
  check<A extends ActionName>(principal: Principal, action: A, resource: ResourceOf<A>, purpose: string): Actor {
    this.moteur.ensureAuditable();
    const request: AccessRequest<A> = { principal, action, resource, context: { purpose } };
    const decision = this.authorizer.authorize(request);
    this.record(request, decision);
    if (!decision.allowed) throw this.refusal(request, decision);
    return { principal: principal.id, policyVersion: decision.policyVersion };
  }

  /** Decides a batch of events (`admitEvents`), and whether its history may be judged at its own time (`mayImportHistory`). */
  ingestOptions(principal: Principal): IngestOptions {
    return { admit: this.admitEvents(principal), mayImportHistory: this.mayImportHistory(principal) };
  }

  /**
   * Decides a batch of events: the batch as a whole now, then each event as the returned function is asked about
   * its person (once per region of the batch), throwing the refusal for an event it may not take.
   */
  private admitEvents(principal: Principal): (userId: string) => void {
    this.check(principal, 'ingestEvents', SYSTEM, 'ingest');
    const refusals = new Map<string, MoteurError | undefined>();
    return (userId) => {
      const { region } = this.person(userId);
      if (!refusals.has(region)) refusals.set(region, this.ingestRefusal(principal, region));
      const refusal = refusals.get(region);
      if (refusal !== undefined) throw refusal;
    };
  }

  /**
   * Whether the principal may import history (`importData`), decided and recorded the first time a batch asks: only
   * then are its old events' timestamps believed by the signal-integrity rules (docs/safety.md). A denial refuses
   * nothing: the events are judged at their arrival instead.
   */
  private mayImportHistory(principal: Principal): () => boolean {
    let allowed: boolean | undefined;
    return () => {
      if (allowed === undefined) {
        this.moteur.ensureAuditable();
        const request: AccessRequest<'importData'> = { principal, action: 'importData', resource: SYSTEM, context: { purpose: 'ingest history' } };
        const decision = this.authorizer.authorize(request);
        this.record(request, decision);
        allowed = decision.allowed;
      }
      return allowed;
    };
  }

  /**
   * Decides (and records) whether the principal may ingest events of people whose data lives in `region`, as
   * that region's node: undefined when it may, else the refusal to give each such event. A node serving
   * several regions thereby refuses a key limited to one of them the events of the others' people.
   */
  ingestRefusal(principal: Principal, region: string): MoteurError | undefined {
    if (!this.authorizer.servesRegion(region)) return wrongRegion(region, this.authorizer.regions, 'userId');
    // The batch's own decision (`check` on the system) was made as this region's node: it stands.
    if (region === this.authorizer.nodeRegionFor(principal, SYSTEM)) return undefined;
    const request: AccessRequest<'ingestEvents'> = {
      principal,
      action: 'ingestEvents',
      resource: SYSTEM,
      context: { purpose: `ingest (people of ${region})`, nodeRegion: region },
    };
    const decision = this.authorizer.authorize(request);
    this.record(request, decision);
    if (decision.allowed) return undefined;
    const denied = accessDenied(request, decision);
    return new MoteurError(denied.code, `userId: a person of region ${region}: ${denied.message}`, { field: 'userId' });
  }

  /**
   * Decides a feed-like access to a person (their feed, a ranking, recommendations): a personalised one for someone
   * who consented, one that reads nothing about them otherwise.
   */
  checkFeed(principal: Principal, userId: string, purpose: string): Actor {
    const person = this.person(userId);
    return this.check(principal, person.consent ? 'readFeed' : 'readFeedNonPersonalized', person, purpose);
  }

  /**
   * Re-reads the policies and the keys file (SIGHUP, or an admin's request) and records the new version
   * and every key created or revoked since. A broken file throws a 422 and changes nothing.
   */
  reload(by: string): { policyVersion: string; label: string } {
    let loaded: { policyVersion: string; label: string };
    try {
      loaded = this.authorizer.reload();
    } catch (err) {
      // 422, not the catalogue's 500: here the files are what the admin asked to load, not what the server runs on.
      if (err instanceof MoteurError) throw new MoteurError(err.code, `${err.message}; the policies and keys in force are unchanged`, { status: 422 });
      throw err;
    }
    const actor = { principal: by, policyVersion: loaded.policyVersion };
    this.moteur.recordAction('policiesLoaded', loaded.label, 'system', actor);
    this.recordKeyChanges(actor);
    return loaded;
  }

  /**
   * Re-reads the keys file alone (it changed on disk: `moteur keys` beside a running server) and records every
   * key created or revoked since. A broken file throws a 422 and the keys in force stay.
   */
  reloadKeys(by: string): { keys: number } {
    try {
      this.authorizer.reloadKeys();
    } catch (err) {
      // 422 as for reload: the keys are what the admin sent.
      if (err instanceof MoteurError) throw new MoteurError(err.code, `${err.message}; the keys in force are unchanged`, { status: 422 });
      throw err;
    }
    this.recordKeyChanges({ principal: by, policyVersion: this.authorizer.policyVersion });
    return { keys: this.authorizer.keys().length };
  }

  private record(request: AccessRequest, decision: Decision): void {
    this.moteur.recordAudit({
      time: new Date().toISOString(),
      principal: request.principal.id,
      purpose: request.context.purpose,
      action: request.action,
      resource: this.ledgerName(request.resource),
      decision: decision.allowed ? 'allow' : 'deny',
      policyVersion: decision.policyVersion,
    });
  }

  private ledgerName(resource: Resource): string {
    switch (resource.type) {
      case 'User':
        return this.moteur.personInLedger(resource.id);
      case 'Video':
        return `video:${resource.id}`;
      case 'Ledger':
        return 'ledger';
      case 'System':
        return 'system';
    }
  }

  private refusal(request: AccessRequest, decision: Decision): MoteurError {
    const resource: Resource = request.resource;
    if (resource.type === 'User' && !this.authorizer.servesRegion(resource.region)) return wrongRegion(resource.region, this.authorizer.regions);
    return accessDenied(request, decision);
  }

  /** Records keys created or revoked since the last record (`keyCreated` / `keyRevoked`, named by hash prefix). */
  private recordKeyChanges(by: Actor): void {
    const recorded = new Set<string>(existsSync(this.recordedKeysFile) ? (JSON.parse(readFileSync(this.recordedKeysFile, 'utf8')) as string[]) : []);
    const current = new Map(this.authorizer.keys().map((k) => [k.hash, k]));
    let changed = false;
    for (const [hash, key] of current) {
      if (recorded.has(hash)) continue;
      this.moteur.recordAudit(keyCreated({ ...key, hash }, by));
      changed = true;
    }
    for (const hash of recorded) {
      if (current.has(hash)) continue;
      this.moteur.recordAudit(keyRevoked(hash, by));
      changed = true;
    }
    if (changed) {
      // A cluster node's ledger is in PostgreSQL: this directory then holds only this file.
      makePrivateDir(dirname(this.recordedKeysFile));
      writeFileSync(this.recordedKeysFile, JSON.stringify([...current.keys()]), { mode: 0o600 });
    }
  }
}

/** The ledger entries of a key's creation and revocation, the key named by its hash's start. */
const keyCreated = (key: Principal & { hash: string }, by: Actor) =>
  actionEntry('keyCreated', `${key.id} (${key.role}, ${key.regions.join(',')})`, `key:${key.hash.slice(0, 16)}`, by);
const keyRevoked = (hash: string, by: Actor) => actionEntry('keyRevoked', 'key revoked', `key:${hash.slice(0, 16)}`, by);
