import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Authorizer, type AccessRequest } from '../../src/trust/policy/authorizer.ts';
import type { Principal } from '../../src/trust/policy/keys.ts';
import { ACTION_NAMES, ACTIONS, LEDGER, ROLES, SYSTEM, type ActionName, type Resource, type Role } from '../../src/trust/policy/vocabulary.ts';
import { DEFAULT_POLICY_DIR } from '../../src/trust/policy/policy-files.ts';
import { tempDir } from '../support/fixtures.ts';
import { PERMITTED } from '../support/role-permissions.ts';

// The repository's own policies, on a node in region `eu`.
const authorizer = new Authorizer({ policyDir: DEFAULT_POLICY_DIR, keysFile: `${tempDir()}/keys.json`, regions: ['eu'] });

const principal = (role: Role, regions = ['eu']): Principal => ({ id: `${role}-1`, role, regions });

function resourceFor(action: ActionName, person: { region?: string; consent?: boolean } = {}): Resource {
  switch (ACTIONS[action].resource) {
    case 'User':
      return { type: 'User', id: 'alice', region: person.region ?? 'eu', consent: person.consent ?? true };
    case 'Video':
      return { type: 'Video', id: 'v1' };
    case 'Ledger':
      return LEDGER;
    case 'System':
      return SYSTEM;
  }
}

const decide = (who: Principal, action: ActionName, person?: { region?: string; consent?: boolean }) =>
  authorizer.authorize({ principal: who, action, resource: resourceFor(action, person), context: { purpose: 'test' } } as AccessRequest);

for (const role of ROLES) {
  test(`${role}: every action is allowed or denied as the role says`, () => {
    for (const action of ACTION_NAMES) {
      const decision = decide(principal(role), action);
      const expected = PERMITTED[role].includes(action);
      assert.equal(decision.allowed, expected, `${role} ${action}: expected ${expected ? 'allow' : 'deny'}, reasons ${decision.reasons}`);
      assert.equal(decision.policyVersion, authorizer.policyVersion);
      // An allow names the permit behind it; a plain deny (nothing permits) names nothing.
      if (expected) assert.ok(decision.reasons.length > 0, `${role} ${action} allowed without a reason`);
    }
  });
}

test('every role is refused a person whose data lives in another region, whatever the action', () => {
  const userActions = ACTION_NAMES.filter((a) => ACTIONS[a].resource === 'User');
  assert.ok(userActions.length >= 8);
  for (const role of ROLES) {
    for (const action of userActions) {
      const decision = decide(principal(role, ['eu', 'us']), action, { region: 'us' });
      assert.equal(decision.allowed, false, `${role} ${action} across regions`);
      if (PERMITTED[role].includes(action)) assert.deepEqual(decision.reasons, ['person-data-stays-in-region']);
    }
  }
  // The same person served by a node in their own region is fine.
  const usNode = new Authorizer({ policyDir: DEFAULT_POLICY_DIR, keysFile: `${tempDir()}/keys.json`, regions: ['us'] });
  const bob = { type: 'User', id: 'bob', region: 'us', consent: true } as const;
  assert.equal(usNode.authorize({ principal: principal('app', ['us']), action: 'readUser', resource: bob, context: { purpose: 'test' } }).allowed, true);
});

test('a node serving several regions serves each person in their own region, and a key in the regions it shares with the node', () => {
  const node = new Authorizer({ policyDir: DEFAULT_POLICY_DIR, keysFile: `${tempDir()}/keys.json`, regions: ['eu', 'us'] });
  const ask = (who: Principal, action: ActionName, resource: Resource) =>
    node.authorize({ principal: who, action, resource, context: { purpose: 'test' } } as never);
  const person = (region: string) => ({ type: 'User', id: 'p', region, consent: true }) as const;
  assert.equal(ask(principal('app', ['us']), 'readUser', person('us')).allowed, true);
  assert.equal(ask(principal('app', ['eu']), 'readUser', person('eu')).allowed, true);
  assert.deepEqual(ask(principal('app', ['us']), 'readUser', person('eu')).reasons, ['key-outside-its-regions']);
  assert.deepEqual(ask(principal('admin', ['eu', 'us', 'br']), 'readUser', person('br')).reasons, ['person-data-stays-in-region']);
  assert.equal(ask(principal('app', ['us']), 'ingestEvents', SYSTEM).allowed, true, 'a us key on an eu+us node');
  assert.equal(ask(principal('app', ['br']), 'ingestEvents', SYSTEM).allowed, false, 'a br key on an eu+us node');
});

test('a key is refused on a node outside the regions it was issued for', () => {
  for (const role of ROLES) {
    for (const action of ACTION_NAMES) {
      const decision = decide(principal(role, ['us']), action);
      assert.equal(decision.allowed, false, `${role} ${action} with a us key on an eu node`);
      if (PERMITTED[role].includes(action)) assert.ok(decision.reasons.includes('key-outside-its-regions'));
    }
  }
});

test('without consent the personalised feed is refused and the non-personalised one is served', () => {
  for (const role of ['app', 'admin'] as const) {
    const personal = decide(principal(role), 'readFeed', { consent: false });
    assert.equal(personal.allowed, false);
    assert.deepEqual(personal.reasons, ['no-personal-feed-without-consent']);
    assert.equal(decide(principal(role), 'readFeedNonPersonalized', { consent: false }).allowed, true);
    assert.equal(decide(principal(role), 'readFeed', { consent: true }).allowed, true);
    // Consent governs the feed only: the profile can still be read and updated (that is how consent is given back).
    assert.equal(decide(principal(role), 'changeConsent', { consent: false }).allowed, true);
  }
});

test('an analyst never gets one person, not even the non-personalised feed, and says why', () => {
  for (const action of ACTION_NAMES.filter((a) => ACTIONS[a].resource === 'User')) {
    const decision = decide(principal('analyst'), action);
    assert.equal(decision.allowed, false, action);
    assert.deepEqual(decision.reasons, ['analysts-never-see-a-person'], action);
  }
});

test('decisions are frozen so a caller cannot change what another request gets', () => {
  const decision = decide(principal('app'), 'readUser');
  assert.ok(Object.isFrozen(decision) && Object.isFrozen(decision.reasons));
  assert.strictEqual(decide(principal('app'), 'readUser'), decision);
});
