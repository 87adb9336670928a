/** Configuration files (JSON or TOML, one schema: config-schema.ts) and what they mean for the engine and the server. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { MoteurError } from '../core/errors.ts';
import type { MoteurConfigOverrides } from './config.ts';
import { checkSettings, defaultOf, DEFAULT_SERVER, SETTING_KEYS, SETTINGS, type ServerSettings, type SettingKey, type Settings } from './config-schema.ts';
import { messageOf } from '../core/thrown.ts';

/** Reads and checks a configuration file: TOML for `.toml`, JSON otherwise. */
export function readSettingsFile(path: string): Settings {
  const text = readConfigText(path);
  const toml = extname(path).toLowerCase() === '.toml';
  let raw: unknown;
  try {
    raw = toml ? parseToml(text) : JSON.parse(text);
  } catch (err) {
    const message = messageOf(err).split('\n')[0];
    throw new MoteurError('invalid_config', `${path} is not valid ${toml ? 'TOML' : 'JSON'}: ${message}`, { field: 'path' });
  }
  return checkSettings(raw, path);
}

/** The engine's part of a configuration: each key in its section, the experiments with them. */
export function engineOverrides(settings: Settings): MoteurConfigOverrides {
  const overrides: { feed: Record<string, unknown>; learning: Record<string, unknown>; safety: Record<string, unknown>; [key: string]: unknown } = {
    feed: {},
    learning: {},
    safety: {},
  };
  for (const [key, value] of Object.entries(settings.values)) {
    const { section } = SETTINGS[key as SettingKey];
    if (section === 'feed' || section === 'learning' || section === 'safety') overrides[section][key] = value;
    else if (section === 'engine') overrides[key] = value;
  }
  if (settings.experiments.length > 0) overrides.experiments = settings.experiments;
  return overrides as MoteurConfigOverrides;
}

/** Reads a file of engine settings (the sections of an A/B test in simulation, say). */
export function readConfigOverrides(path: string): MoteurConfigOverrides {
  return engineOverrides(readSettingsFile(path));
}

/** Where the server listens and what it serves: the file's values over the defaults. */
export function serverSettings(settings: Settings): ServerSettings {
  const out: Record<string, unknown> = { ...DEFAULT_SERVER };
  for (const key of Object.keys(DEFAULT_SERVER)) if (key in settings.values) out[key] = settings.values[key as SettingKey];
  return out as unknown as ServerSettings;
}

const bareKey = /^[A-Za-z0-9_-]+$/;

/** A value as TOML: numbers and strings as JSON writes them, lists and inline tables of those. */
function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${bareKey.test(k) ? k : JSON.stringify(k)} = ${tomlValue(v)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** A TOML file naming every setting with what it does and its default, commented out: uncomment to change one. */
export function commentedConfigFile(dataDir: string): string {
  const lines = [
    '# moteur configuration (TOML). Every setting is shown with its default; uncomment a line to change it.',
    '# Check it with `moteur config check FILE`; see the effective values with `moteur config print --config FILE`.',
    '',
    `dataDir = ${tomlValue(dataDir)}`,
    '',
  ];
  for (const key of SETTING_KEYS) {
    if (key === 'dataDir') continue;
    const fallback = defaultOf(key);
    lines.push(`# ${SETTINGS[key].doc}`);
    lines.push(fallback === undefined ? `# ${key} = ["us"]` : `# ${key} = ${tomlValue(fallback)}`);
    lines.push('');
  }
  lines.push(
    '# A live experiment: people are split between the variants by a hash of their id and the experiment name;',
    '# each variant may change policy, sources, exploreShare, uniformExploreShare, scoreWeights, graphScoreWeight,',
    '# diversity, followedSlots. Report it with `moteur ab report --data DIR --experiment NAME`.',
    '# [experiments.explore]',
    '# control = {}',
    '# more-explore = { exploreShare = 0.35 }',
    '',
  );
  return lines.join('\n');
}

/** The text of a configuration file, or a `config_unreadable` refusal naming it. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new MoteurError('config_unreadable', `cannot read the configuration file ${path}: ${messageOf(err)}`, { field: 'path' });
  }
}
