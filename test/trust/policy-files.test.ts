import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { accessDenied, Authorizer } from '../../src/trust/policy/authorizer.ts';
import { registerPolicy } from '../../src/cli/commands/policy.ts';
import { DEFAULT_POLICY_DIR, loadPolicyFiles } from '../../src/trust/policy/policy-files.ts';
import { SYSTEM, type ResourceByType } from '../../src/trust/policy/vocabulary.ts';
import { tempDir } from '../support/fixtures.ts';

/** A copy of the repository's policies to edit. */
function policyCopy(): string {
  const dir = join(tempDir(), 'policies');
  cpSync(DEFAULT_POLICY_DIR, dir, { recursive: true });
  return dir;
}

const admin = { id: 'root', role: 'admin', regions: ['eu'] } as const;
const analyst = { id: 'bi', role: 'analyst', regions: ['eu'] } as const;
const alice: ResourceByType['User'] = { type: 'User', id: 'alice', region: 'eu', consent: true };
const open = (policyDir: string) => new Authorizer({ policyDir, keysFile: join(tempDir(), 'keys.json'), regions: ['eu'] });

test('the version is the first word of VERSION plus the SHA-256 of the policy files in name order', () => {
  const files = loadPolicyFiles(DEFAULT_POLICY_DIR);
  const names = readdirSync(DEFAULT_POLICY_DIR)
    .filter((n) => n.endsWith('.cedar'))
    .sort();
  const hash = createHash('sha256');
  for (const name of names) hash.update(readFileSync(join(DEFAULT_POLICY_DIR, name)));
  const word = readFileSync(join(DEFAULT_POLICY_DIR, 'VERSION'), 'utf8').trim().split(/\s+/)[0];
  assert.equal(files.version, `${word}+sha256:${hash.digest('hex')}`);
  assert.ok(Object.keys(files.policies).length >= 9);
});

test('a syntax error fails loudly with the file, line and column', () => {
  const dir = policyCopy();
  appendFileSync(join(dir, 'roles.cedar'), '\n@id("broken")\npermit (principal, action, resource) when { context.purpose == };\n');
  const lines = readFileSync(join(dir, 'roles.cedar'), 'utf8').split('\n').length;
  assert.throws(
    () => loadPolicyFiles(dir),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'policy_invalid');
      assert.match(err.message, new RegExp(`roles\\.cedar:${lines - 1}:\\d+: unexpected token`));
      return true;
    },
  );
  assert.throws(() => open(dir), /roles\.cedar:/);
});

test('a policy that names an attribute the schema lacks fails with its file and id', () => {
  const dir = policyCopy();
  writeFileSync(join(dir, 'extra.cedar'), '@id("typo")\nforbid (principal, action, resource is User) when { context.consnet == false };\n');
  assert.throws(() => loadPolicyFiles(dir), /extra\.cedar:2:\d+: policy "typo" does not match schema\.cedarschema: .*consnet/);
});

test('policies need unique ids, and the schema must declare exactly the actions the code knows', () => {
  const noId = policyCopy();
  writeFileSync(join(noId, 'extra.cedar'), 'permit (principal, action, resource);\n');
  assert.throws(() => loadPolicyFiles(noId), /extra\.cedar:1:1: every policy needs an @id/);

  const duplicate = policyCopy();
  writeFileSync(join(duplicate, 'zz-extra.cedar'), '@id("admin-does-everything")\npermit (principal, action, resource);\n');
  assert.throws(() => loadPolicyFiles(duplicate), /zz-extra\.cedar:1:1: policy id "admin-does-everything" is already used in .*roles\.cedar/);

  const schema = policyCopy();
  appendFileSync(join(schema, 'schema.cedarschema'), '\naction sellData appliesTo { principal: Principal, resource: User, context: PersonContext };\n');
  assert.throws(() => loadPolicyFiles(schema), /schema\.cedarschema: actions must match .*unknown: sellData/);

  const unversioned = policyCopy();
  writeFileSync(join(unversioned, 'VERSION'), '');
  assert.throws(() => loadPolicyFiles(unversioned), /VERSION: must hold exactly one line/);
  assert.throws(() => loadPolicyFiles(join(tempDir(), 'nowhere')), /policy directory does not exist/);
});

test('forbid wins over permit, whatever order the files come in', () => {
  const dir = tempDir();
  cpSync(join(DEFAULT_POLICY_DIR, 'schema.cedarschema'), join(dir, 'schema.cedarschema'));
  writeFileSync(join(dir, 'VERSION'), 'test\n');
  writeFileSync(join(dir, 'a.cedar'), '@id("no-export") forbid (principal, action == Action::"exportUser", resource);\n');
  writeFileSync(join(dir, 'b.cedar'), '@id("all") permit (principal, action, resource);\n');
  const authorizer = open(dir);
  const exportAlice = authorizer.authorize({ principal: admin, action: 'exportUser', resource: alice, context: { purpose: 'test' } });
  assert.deepEqual({ ...exportAlice }, { allowed: false, reasons: ['no-export'], policyVersion: authorizer.policyVersion });
  const denied = accessDenied({ principal: admin, action: 'exportUser', resource: alice, context: { purpose: 'test' } }, exportAlice);
  assert.equal(denied.status, 403);
  assert.equal(denied.message, 'root (admin) may not exportUser User: forbidden by no-export');
  assert.equal(authorizer.authorize({ principal: admin, action: 'eraseUser', resource: alice, context: { purpose: 'test' } }).allowed, true);

  // The same holds for the shipped rules: a permit added for analysts does not open a person's data.
  const shipped = policyCopy();
  writeFileSync(join(shipped, 'extra.cedar'), '@id("analysts-read-people") permit (principal in Role::"analyst", action == Action::"readUser", resource);\n');
  const decision = open(shipped).authorize({ principal: analyst, action: 'readUser', resource: alice, context: { purpose: 'test' } });
  assert.deepEqual(decision.reasons, ['analysts-never-see-a-person']);
  assert.equal(decision.allowed, false);
});

test('a forbid that fails to evaluate denies instead of letting the permits through', () => {
  const dir = tempDir();
  cpSync(join(DEFAULT_POLICY_DIR, 'schema.cedarschema'), join(dir, 'schema.cedarschema'));
  writeFileSync(join(dir, 'VERSION'), 'test\n');
  // Long overflow is a run-time error in Cedar; the engine skips an erroring policy, we do not.
  writeFileSync(
    join(dir, 'p.cedar'),
    '@id("all") permit (principal, action, resource);\n@id("overflow") forbid (principal, action, resource) when { 9223372036854775807 + 1 > 0 };\n',
  );
  const request = { principal: admin, action: 'readMetrics', resource: SYSTEM, context: { purpose: 'test' } } as const;
  const decision = open(dir).authorize(request);
  assert.equal(decision.allowed, false);
  assert.deepEqual(decision.reasons, []);
  assert.match(decision.errors?.join() ?? '', /^overflow: .*overflow/);
  assert.match(accessDenied(request, decision).message, /root \(admin\) may not readMetrics System: a policy failed to evaluate \(overflow: /);
});

test('reload picks up a new policy and a new version; a broken edit keeps the old policies in force', () => {
  const dir = policyCopy();
  const authorizer = open(dir);
  const request = { principal: admin, action: 'eraseUser', resource: alice, context: { purpose: 'user request' } } as const;
  const before = authorizer.policyVersion;
  assert.equal(authorizer.authorize(request).allowed, true);

  writeFileSync(join(dir, 'freeze.cedar'), '@id("erasure-paused") forbid (principal, action == Action::"eraseUser", resource);\n');
  writeFileSync(join(dir, 'VERSION'), '2026-12-01.1 erasure paused\n');
  const reloaded = authorizer.reload();
  assert.match(reloaded.policyVersion, /^2026-12-01\.1\+sha256:[0-9a-f]{64}$/);
  assert.notEqual(reloaded.policyVersion, before);
  assert.deepEqual({ ...authorizer.authorize(request) }, { allowed: false, reasons: ['erasure-paused'], policyVersion: reloaded.policyVersion });

  writeFileSync(join(dir, 'freeze.cedar'), '@id("erasure-paused") forbid (principal, action == Action::"eraseUser", resource;\n');
  assert.throws(() => authorizer.reload(), /freeze\.cedar:1:\d+/);
  assert.equal(authorizer.policyVersion, reloaded.policyVersion);
  assert.equal(authorizer.authorize(request).allowed, false);
});

test('a policy about one person is honoured for that person only (remembered decisions include the id when policies name ids)', () => {
  const dir = policyCopy();
  writeFileSync(join(dir, 'hold.cedar'), '@id("legal-hold") forbid (principal, action == Action::"eraseUser", resource == User :: "alice");\n');
  const authorizer = open(dir);
  const erase = (id: string) => authorizer.authorize({ principal: admin, action: 'eraseUser', resource: { ...alice, id }, context: { purpose: 'test' } });
  assert.equal(erase('bob').allowed, true);
  assert.equal(erase('alice').allowed, false);
  assert.equal(erase('bob').allowed, true);
});

test('moteur policy check prints the version and ids, and names the broken file when there is one', async () => {
  const run = async (dir: string) => {
    const program = new Command().exitOverride();
    registerPolicy(program);
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await program.parseAsync(['node', 'moteur', 'policy', 'check', '--dir', dir]);
    } finally {
      console.log = log;
    }
    return lines;
  };
  const lines = await run(DEFAULT_POLICY_DIR);
  assert.equal(lines[0], `version ${loadPolicyFiles(DEFAULT_POLICY_DIR).version}`);
  assert.ok(lines.some((l) => l.startsWith('no-personal-feed-without-consent\t')));
  const broken = policyCopy();
  writeFileSync(join(broken, 'guards.cedar'), 'forbid (principal, action, resource) when {');
  await assert.rejects(run(broken), /guards\.cedar:1:\d+/);
});
