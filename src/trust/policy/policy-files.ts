/**
 * Reads a policy directory: every `*.cedar` file (in name order), `schema.cedarschema` and `VERSION`.
 * Every policy must carry a unique `@id("...")`, which decisions report as their reasons. The set is
 * validated against the schema in strict mode, so a typo in an attribute or action name fails here,
 * at load time, with the file and line, instead of silently never matching at request time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { MoteurError } from '../../core/errors.ts';
import { ACTION_NAMES } from './vocabulary.ts';
import { messageOf } from '../../core/thrown.ts';

/** The policies shipped with moteur (the repository's `policies/`), wherever the process runs from. */
export const DEFAULT_POLICY_DIR = fileURLToPath(new URL('../../../policies', import.meta.url));
export const SCHEMA_FILE = 'schema.cedarschema';
export const VERSION_FILE = 'VERSION';

export interface PolicyFiles {
  /** Policy text by policy id. */
  policies: Record<string, string>;
  /** The file each policy id came from. */
  sourceOf: Record<string, string>;
  schema: string;
  /** `<label>+sha256:<hex>`: the first word of VERSION, then the SHA-256 of the policy files' text. */
  version: string;
  /** The whole VERSION line. */
  label: string;
}

const fail = (where: string, message: string) => new MoteurError('policy_invalid', `${where}: ${message}`);

/** `file:line:column` of a UTF-8 byte offset (Cedar reports byte offsets). */
function locate(file: string, text: string, byteOffset: number): string {
  const before = Buffer.from(text).subarray(0, byteOffset).toString();
  const lines = before.split('\n');
  return `${file}:${lines.length}:${lines[lines.length - 1]!.length + 1}`;
}

function describe(error: cedar.DetailedError): string {
  const labels = (error.sourceLocations ?? []).map((l) => l.label).filter((l): l is string => !!l);
  return [error.message, ...labels, error.help ?? ''].filter(Boolean).join('; ');
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw fail(path, `cannot read: ${messageOf(err)}`);
  }
}

function readSchema(dir: string): string {
  const path = join(dir, SCHEMA_FILE);
  const schema = readText(path);
  const parsed = cedar.schemaToJson(schema);
  if (parsed.type === 'failure') {
    const first = parsed.errors[0]!;
    throw fail(locate(path, schema, first.sourceLocations?.[0]?.start ?? 0), describe(first));
  }
  // The schema and the code's list of actions must name the same actions, or requests would fail validation.
  const declared = Object.values(parsed.json).flatMap((ns) => Object.keys(ns.actions));
  const missing = ACTION_NAMES.filter((a) => !declared.includes(a));
  const unknown = declared.filter((a) => !(ACTION_NAMES as string[]).includes(a));
  if (missing.length > 0 || unknown.length > 0) {
    throw fail(path, `actions must match src/trust/policy/vocabulary.ts (missing: ${missing.join(', ') || 'none'}; unknown: ${unknown.join(', ') || 'none'})`);
  }
  return schema;
}

function readLabel(dir: string): string {
  const path = join(dir, VERSION_FILE);
  const lines = readText(path)
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw fail(path, 'must hold exactly one line: a version word, then an optional description');
  return lines[0]!.trim();
}

/** Splits one file into its policies, keyed by their `@id`. */
function readPolicies(path: string, text: string, into: PolicyFiles): void {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') {
    const first = parts.errors[0]!;
    throw fail(locate(path, text, first.sourceLocations?.[0]?.start ?? 0), describe(first));
  }
  if (parts.policy_templates.length > 0) throw fail(path, 'templates (policies with ?principal or ?resource slots) are not supported');
  let searchFrom = 0;
  for (const policy of parts.policies) {
    const at = text.indexOf(policy, searchFrom);
    searchFrom = at + policy.length;
    const where = locate(path, text, Buffer.byteLength(text.slice(0, at)));
    const json = cedar.policyToJson(policy);
    const id = json.type === 'success' ? json.json.annotations?.id : undefined;
    if (!id) throw fail(where, 'every policy needs an @id("...") annotation, which decisions report as their reason');
    if (into.policies[id] !== undefined) throw fail(where, `policy id "${id}" is already used in ${into.sourceOf[id]}`);
    into.policies[id] = policy;
    into.sourceOf[id] = path;
  }
}

function validate(files: PolicyFiles): void {
  const answer = cedar.validate({ schema: files.schema, policies: { staticPolicies: files.policies }, validationSettings: { mode: 'strict' } });
  if (answer.type === 'failure') throw fail(Object.values(files.sourceOf)[0] ?? 'policies', answer.errors.map(describe).join('; '));
  const first = answer.validationErrors[0];
  if (first) {
    const path = files.sourceOf[first.policyId]!;
    const text = readText(path);
    const policyAt = Buffer.byteLength(text.slice(0, text.indexOf(files.policies[first.policyId]!)));
    const where = locate(path, text, policyAt + (first.error.sourceLocations?.[0]?.start ?? 0));
    throw fail(where, `policy "${first.policyId}" does not match ${SCHEMA_FILE}: ${describe(first.error)}`);
  }
}

/** Loads and checks a policy directory; throws a MoteurError naming the file (and line) at the first problem. */
export function loadPolicyFiles(dir: string): PolicyFiles {
  if (!existsSync(dir)) throw fail(dir, 'policy directory does not exist');
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.cedar'))
    .sort();
  if (names.length === 0) throw fail(dir, 'no *.cedar policy files (with none, every request would be denied)');
  const label = readLabel(dir);
  const files: PolicyFiles = { policies: {}, sourceOf: {}, schema: readSchema(dir), version: '', label };
  // The version hashes the files' text in name order: `cat policies/*.cedar | sha256sum` reproduces it.
  const hash = createHash('sha256');
  for (const name of names) {
    const path = join(dir, name);
    const text = readText(path);
    hash.update(text);
    readPolicies(path, text, files);
  }
  validate(files);
  files.version = `${label.split(/\s+/)[0]}+sha256:${hash.digest('hex')}`;
  return files;
}
