/**
 * Access decision cost: `Authorizer.authorize` on mixed traffic (four roles, two regions, 10% of people
 * opted out of personalisation), per decision in µs. Three figures:
 * - `decisions`: the steady state a serving node sees (repeated request shapes are remembered);
 * - `evaluated`: every request has a new shape, so each one goes through the Cedar engine (pre-parsed policies);
 * - `reparsed`: for comparison, Cedar's one-shot API that parses the policy text on every call.
 * Plus `keyLookup`: API key to principal (one SHA-256 and a map lookup).
 * Usage: node --import tsx bench/authz.ts [--decisions N] [--evaluated N] [--reparsed N]
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { Authorizer, type AccessRequest } from '../src/trust/policy/authorizer.ts';
import { createKey, keysFileIn } from '../src/trust/policy/keys.ts';
import { DEFAULT_POLICY_DIR, loadPolicyFiles } from '../src/trust/policy/policy-files.ts';
import { ACTIONS, LEDGER, SYSTEM, type ActionName, type Role } from '../src/trust/policy/vocabulary.ts';
import { seededRandom } from '../src/core/random.ts';
import { flag, note, percentile, print, round, scratchDir } from './lib/report.ts';

const DECISIONS = flag('decisions', 200_000);
const EVALUATED = flag('evaluated', 20_000);
const REPARSED = flag('reparsed', 2_000);
const POLICY_DIR = DEFAULT_POLICY_DIR;

const dataDir = scratchDir();
const keys = (['app', 'analyst', 'auditor', 'admin'] as Role[]).map((role) => createKey(keysFileIn(dataDir), { id: `${role}-1`, role, regions: ['eu'] }));
const authorizer = new Authorizer({ policyDir: POLICY_DIR, keysFile: keysFileIn(dataDir), region: 'eu' });
const principals = keys.map((k) => authorizer.principalForKey(k)!);

// Traffic: mostly the app (feeds, events), a little of everyone else, over 100k people in two regions.
const random = seededRandom(7);
const appActions: ActionName[] = ['readFeed', 'readFeed', 'readFeed', 'ingestEvents', 'ingestEvents', 'readVideo', 'readUser', 'putUser', 'readFeedNonPersonalized'];
function request(i: number, purpose = 'feed'): AccessRequest {
  const r = random();
  const principal = r < 0.9 ? principals[0]! : principals[1 + Math.floor(random() * 3)]!;
  const action = principal.role === 'app' ? appActions[i % appActions.length]! : (Object.keys(ACTIONS) as ActionName[])[i % 17]!;
  const kind = ACTIONS[action].resource;
  const user = Math.floor(random() * 100_000);
  const resource =
    kind === 'User'
      ? { type: 'User' as const, id: `u${user}`, region: user % 5 === 0 ? 'us' : 'eu', consent: user % 10 !== 1 }
      : kind === 'Video'
        ? { type: 'Video' as const, id: `v${user}` }
        : kind === 'Ledger'
          ? LEDGER
          : SYSTEM;
  return { principal, action, resource, context: { purpose } } as AccessRequest;
}

function timeEach(count: number, run: (i: number) => void) {
  for (let i = 0; i < Math.min(count, 2000); i++) run(i); // warm-up
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    run(i);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { count, meanUs: round(sorted.reduce((a, b) => a + b, 0) / count, 2), p50Us: round(percentile(sorted, 50), 2), p99Us: round(percentile(sorted, 99), 2), maxUs: round(sorted[count - 1]!, 1) };
}

note(`${DECISIONS} mixed decisions...`);
const requests = Array.from({ length: DECISIONS }, (_, i) => request(i));
let allowed = 0;
const decisions = timeEach(DECISIONS, (i) => {
  if (authorizer.authorize(requests[i]!).allowed) allowed++;
});

note(`${EVALUATED} decisions evaluated by Cedar...`);
const fresh = Array.from({ length: EVALUATED + 2000 }, (_, i) => request(i, `purpose-${i}`));
const evaluated = timeEach(EVALUATED, (i) => authorizer.authorize(fresh[i]!));

note(`${REPARSED} decisions re-parsing the policy text...`);
const policyText = Object.values(loadPolicyFiles(POLICY_DIR).policies).join('\n');
const reparsed = timeEach(REPARSED, (i) => {
  const r = requests[i]!;
  const user = r.resource.type === 'User' ? r.resource : undefined;
  cedar.isAuthorized({
    principal: { type: 'Principal', id: r.principal.id },
    action: { type: 'Action', id: r.action },
    resource: { type: r.resource.type, id: r.resource.id },
    context: user ? { purpose: 'feed', nodeRegion: 'eu', resourceRegion: user.region, consent: user.consent } : { purpose: 'feed', nodeRegion: 'eu' },
    policies: { staticPolicies: policyText },
    entities: [
      { uid: { type: 'Principal', id: r.principal.id }, attrs: { regions: [...r.principal.regions] }, parents: [{ type: 'Role', id: r.principal.role }] },
      { uid: { type: r.resource.type, id: r.resource.id }, attrs: user ? { region: user.region, personalized: user.consent } : {}, parents: [] },
    ],
  });
});

note('key lookups...');
const keyLookup = timeEach(DECISIONS, (i) => authorizer.principalForKey(keys[i % keys.length]!));

print({
  benchmark: 'authz',
  policyVersion: authorizer.policyVersion,
  decisions: { ...decisions, allowedShare: round(allowed / DECISIONS, 3) },
  evaluated,
  reparsed,
  keyLookup,
  goal: 'p99 under 200 µs per decision',
});
