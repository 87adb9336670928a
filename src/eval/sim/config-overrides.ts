/** Engine configuration overrides read from JSON (a file of settings to try), checked against the defaults' shape. */
import { readConfigText } from '../../app/config-file.ts';
import { MoteurError } from '../../core/errors.ts';
import { DEFAULT_CONFIG, FEED_POLICIES, type MoteurConfigOverrides } from '../../app/config.ts';
import { messageOf } from '../../core/thrown.ts';

function invalidConfig(source: string, field: string, message: string): MoteurError {
  return new MoteurError('invalid_config', `${source}: ${field}: ${message}`, { field });
}

/** Every key must be a setting of the engine, with a value of the default's type; nested objects are checked likewise. */
function check(raw: unknown, reference: Record<string, unknown>, path: string, source: string): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidConfig(source, path || '(top level)', 'must be a JSON object');
  for (const [key, value] of Object.entries(raw)) {
    const field = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(reference, key)) {
      throw invalidConfig(source, field, `is not a setting; expected one of ${Object.keys(reference).join(', ')}`);
    }
    const expected = reference[key];
    if (expected === undefined) {
      // A setting off by default (such as a file path) takes a string.
      if (typeof value !== 'string') throw invalidConfig(source, field, `must be a string, got ${JSON.stringify(value)}`);
    } else if (typeof expected === 'object' && expected !== null) {
      check(value, expected as Record<string, unknown>, field, source);
    } else if (typeof value !== typeof expected || (typeof value === 'number' && !Number.isFinite(value))) {
      throw invalidConfig(source, field, `must be a ${typeof expected}, got ${JSON.stringify(value)}`);
    }
  }
}

/**
 * A setting that is itself an object inside a section (such as `feed.scoreWeights`) replaces the default whole when
 * the configuration is resolved, so the keys a file leaves out are filled in from the defaults.
 */
function completeNested(raw: Record<string, unknown>, reference: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = depth >= 2 ? { ...reference } : {};
  for (const [key, value] of Object.entries(raw)) {
    const expected = reference[key];
    out[key] = typeof expected === 'object' && expected !== null ? completeNested(value as Record<string, unknown>, expected as Record<string, unknown>, depth + 1) : value;
  }
  return out;
}

export function parseConfigOverrides(raw: unknown, source: string): MoteurConfigOverrides {
  const defaults = DEFAULT_CONFIG as unknown as Record<string, unknown>;
  check(raw, defaults, '', source);
  const overrides = completeNested(raw as Record<string, unknown>, defaults, 0) as MoteurConfigOverrides;
  const policy = overrides.feed?.policy;
  if (policy !== undefined && !FEED_POLICIES.includes(policy)) {
    throw invalidConfig(source, 'feed.policy', `must be one of ${FEED_POLICIES.join(', ')}, got ${JSON.stringify(policy)}`);
  }
  return overrides;
}

export function readConfigOverrides(path: string): MoteurConfigOverrides {
  const text = readConfigText(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MoteurError('invalid_config', `${path} is not valid JSON: ${messageOf(err)}`, { field: 'path' });
  }
  return parseConfigOverrides(raw, path);
}
