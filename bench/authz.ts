/**
 * Access decision cost: `Authorizer.authorize` on mixed traffic (four roles, two regions, 10% of people
 * opted out of personalisation), per decision in µs. Three figures:
 * - `decisions`: the steady state a serving node sees (repeated request shapes are remembered);
 * - `evaluated`: every request has a new shape, so each one goes through the Cedar engine (pre-parsed policies);
 * - `reparsed`: for comparison, Cedar's one-shot API that parses the policy text on every call.
 * Plus `keyLookup`: API key to principal (one SHA-256 and a map lookup), and `feedRequest`: what access
 * control adds to one feed request end to end on a real engine (10k people, 2k videos): the bearer header
 * to a principal, the person's region and consent, the decision and its ledger entry (commitment and
 * queueing), timed around exactly the calls the feed route makes, next to the feed itself; plus the
 * ledger write each entry costs later, in the batched group commit.
 * Usage: node --import tsx bench/authz.ts [--decisions N] [--evaluated N] [--reparsed N] [--feeds N]
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { Authorizer, type AccessRequest } from '../src/trust/policy/authorizer.ts';
import { createKey, keysFileIn } from '../src/trust/policy/keys.ts';
import { DEFAULT_POLICY_DIR, loadPolicyFiles } from '../src/trust/policy/policy-files.ts';
import { ACTIONS, LEDGER, SYSTEM, type ActionName, type Role } from '../src/trust/policy/vocabulary.ts';
import { seededRandom } from '../src/core/random.ts';
import { AccessControl } from '../src/app/access.ts';
import { Moteur } from '../src/app/moteur.ts';
import { flag, note, percentile, print, round, scratchDir } from './lib/report.ts';

const DECISIONS = flag('decisions', 200_000);
const EVALUATED = flag('evaluated', 20_000);
const REPARSED = flag('reparsed', 2_000);
const FEEDS = flag('feeds', 20_000);
const POLICY_DIR = DEFAULT_POLICY_DIR;

const dataDir = scratchDir();
const keys = (['app', 'analyst', 'auditor', 'admin'] as Role[]).map((role) => createKey(keysFileIn(dataDir), { id: `${role}-1`, role, regions: ['eu'] }));
const authorizer = new Authorizer({ policyDir: POLICY_DIR, keysFile: keysFileIn(dataDir), regions: ['eu'] });
const principals = keys.map((k) => authorizer.principalForKey(k)!);

// Traffic: mostly the app (feeds, events), a little of everyone else, over 100k people in two regions.
const random = seededRandom(7);
const appActions: ActionName[] = [
  'readFeed',
  'readFeed',
  'readFeed',
  'ingestEvents',
  'ingestEvents',
  'readVideo',
  'readUser',
  'putUser',
  'readFeedNonPersonalized',
];
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
  return {
    count,
    meanUs: round(sorted.reduce((a, b) => a + b, 0) / count, 2),
    p50Us: round(percentile(sorted, 50), 2),
    p99Us: round(percentile(sorted, 99), 2),
    maxUs: round(sorted[count - 1]!, 1),
  };
}

note(`${DECISIONS} mixed decisions...`);
const requests = Array.from({ length: DECISIONS }, (_, i) => request(i));
const decisions = timeEach(DECISIONS, (i) => authorizer.authorize(requests[i]!));
// Counted apart from the timing, whose warm-up repeats the first requests.
const allowed = requests.filter((r) => authorizer.authorize(r).allowed).length;

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

note(`${FEEDS} feed requests on an engine, access control timed apart...`);
const engineDir = scratchDir();
const appKey = createKey(keysFileIn(engineDir), { id: 'ios-app', role: 'app', regions: ['eu'] });
const moteur = await Moteur.open({ dataDir: engineDir, regions: ['eu'], embeddingDim: 8 });
for (let i = 0; i < 2000; i += 1000) {
  await moteur.upsertVideos(
    Array.from({ length: 1000 }, (_, j) => ({ id: `v${i + j}`, creatorId: `c${(i + j) % 200}`, durationMs: 15_000, hashtags: [`t${(i + j) % 40}`] })),
  );
}
const PEOPLE = 10_000;
for (let i = 0; i < PEOPLE; i += 1000) {
  await moteur.ingest(
    Array.from({ length: 1000 }, (_, j) => ({ id: `warm-${i + j}`, userId: `p${i + j}`, videoId: `v${(i + j) % 2000}`, type: 'like', ts: Date.now() })),
  );
}
const access = new AccessControl(moteur, { dataDir: engineDir, policyDir: POLICY_DIR });
const header = `Bearer ${appKey}`;
// What the feed route does before the engine runs: the hook, the person, the decision and its entry.
const authorizeFeed = (userId: string) => {
  const principal = access.principalFor(header);
  const person = access.person(userId);
  access.check(principal, person.consent ? 'readFeed' : 'readFeedNonPersonalized', person, 'feed');
};
for (let i = 0; i < 2000; i++) authorizeFeed(`p${i}`); // warm-up
const authUs = new Float64Array(FEEDS);
const feedUs = new Float64Array(FEEDS);
for (let i = 0; i < FEEDS; i++) {
  const userId = `p${Math.floor(random() * PEOPLE)}`;
  const t0 = process.hrtime.bigint();
  authorizeFeed(userId);
  const t1 = process.hrtime.bigint();
  await moteur.feed(userId, { n: 10 });
  authUs[i] = Number(t1 - t0) / 1000;
  feedUs[i] = Number(process.hrtime.bigint() - t1) / 1000;
}
const summary = (values: Float64Array) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    meanUs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 2),
    p50Us: round(percentile(sorted, 50), 2),
    p99Us: round(percentile(sorted, 99), 2),
    maxUs: round(sorted[sorted.length - 1]!, 1),
  };
};
// The entries queued above are written in batches: the cost per entry of that write, off the request's path.
const entries = Array.from({ length: 20_000 }, (_, i) => ({
  time: new Date().toISOString(),
  principal: 'ios-app',
  purpose: 'feed',
  action: 'readFeed',
  resource: moteur.personInLedger(`p${i}`),
  decision: 'allow' as const,
  policyVersion: access.policyVersion,
}));
const t = performance.now();
for (let i = 0; i < entries.length; i += 100) await moteur.ledger.append(entries.slice(i, i + 100));
const ledgerUsPerEntry = round(((performance.now() - t) * 1000) / entries.length, 2);
await moteur.close();

print({
  benchmark: 'authz',
  policyVersion: authorizer.policyVersion,
  decisions: { ...decisions, allowedShare: round(allowed / DECISIONS, 3) },
  evaluated,
  reparsed,
  keyLookup,
  feedRequest: {
    requests: FEEDS,
    people: PEOPLE,
    accessControl: summary(authUs),
    feed: summary(feedUs),
    ledgerWritePerEntryUs: ledgerUsPerEntry,
    note: 'accessControl: header to principal, person, decision and queued ledger entry, per feed request; ledgerWritePerEntryUs: the batched group-commit write of each entry (batches of 100), off the request path',
  },
  goal: 'access control adds under 200 µs (p99) to a feed request',
});
