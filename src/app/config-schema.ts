/**
 * The configuration file's one schema: flat keys named as in the engine's defaults (`embeddingDim`,
 * `exploreShare`, `scoreWeights`...), plus where the server listens and what it serves, plus live experiments.
 * Every key says what it takes; a value outside that is refused with the key and what is allowed.
 */
import { MoteurError } from '../core/errors.ts';
import { AGE_BANDS } from '../core/types.ts';
import { TASKS } from '../learn/online/config.ts';
import type { SafetyConfig } from '../safety/config.ts';
import { DEFAULT_CONFIG, FEED_POLICIES, FEED_SOURCES, type Experiment, type FeedConfig, type LearningConfig, type MoteurConfig } from './config.ts';

type Kind =
  | { type: 'number'; min: number; max?: number; integer?: boolean }
  | { type: 'string'; pattern?: RegExp; describe?: string }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'list' }
  | { type: 'weights'; keys: readonly string[]; min?: number }
  | { type: 'boolean' }
  | { type: 'table'; fields: Readonly<Record<string, Kind>> };

/** Where a key lives: a field of the engine's configuration (top level, `feed`, `learning`, `safety`) or of the server. */
type Section = 'engine' | 'feed' | 'learning' | 'safety' | 'server';

interface Setting {
  section: Section;
  kind: Kind;
  doc: string;
}

const REGION = { type: 'string', pattern: /^[a-z][a-z0-9-]{0,31}$/, describe: 'a region name of lowercase letters, digits and dashes' } as const;
const share = (doc: string): Setting => ({ section: 'feed', kind: { type: 'number', min: 0, max: 1 }, doc });
const count = (section: Section, doc: string, min = 1, max?: number): Setting => ({
  section,
  kind: { type: 'number', min, integer: true, ...(max !== undefined && { max }) },
  doc,
});
const positive = (section: Section, doc: string): Setting => ({ section, kind: { type: 'number', min: 0 }, doc });
const weight = (doc: string): Setting => ({ section: 'feed', kind: { type: 'number', min: -1e6, max: 1e6 }, doc });
const BOOLEAN = { type: 'boolean' } as const;
const SHARE = { type: 'number', min: 0, max: 1 } as const;
const COUNT = { type: 'number', min: 0, integer: true } as const;

export const SETTINGS = {
  dataDir: {
    section: 'server',
    kind: { type: 'string' },
    doc: 'data directory: the embedded store and log, the audit ledger, the API keys, the model snapshot',
  },
  host: { section: 'server', kind: { type: 'string' }, doc: 'address the API listens on (MOTEUR_HOST); keep the loopback default behind a proxy' },
  port: count('server', 'TCP port of the API (MOTEUR_PORT); 0 picks a free one', 0, 65535),
  regions: { section: 'server', kind: { type: 'list' }, doc: 'regions this node serves, home region first (default: region and every region the data holds)' },
  region: { section: 'engine', kind: REGION, doc: 'home region: of people and videos that name none' },
  language: {
    section: 'engine',
    kind: { type: 'string', pattern: /^[a-z]{2,3}$/, describe: 'a two- or three-letter language code' },
    doc: 'language of videos and people that name none',
  },
  embeddingDim: count('engine', 'numbers in each video content embedding; a change needs `moteur train` and the videos uploaded again', 8, 2048),
  policy: {
    section: 'feed',
    kind: { type: 'choice', choices: FEED_POLICIES },
    doc: 'the pipeline serving feeds: for-you (the engine), random or popular (baselines)',
  },
  sources: {
    section: 'feed',
    kind: { type: 'weights', keys: FEED_SOURCES, min: 0 },
    doc: "for-you's candidate sources: candidates each proposes per slot of a page (0 turns it off)",
  },
  defaultPageSize: count('feed', 'videos in a feed page when the request names no n', 1, 50),
  maxPageSize: count('feed', 'most videos a request may ask for', 1, 50),
  exploreShare: share('share of each page given to new videos looking for an audience'),
  uniformExploreShare: share("share of the exploration slots drawn by the exploration pool itself rather than by the person's scores"),
  guaranteedAudience: count('feed', 'times a new video is shown before it must earn more exposure'),
  exploreMaxAudience: count('feed', 'times shown after which a video leaves the exploration pool'),
  completionRatio: share('share of a video a play must cover to count as a completion for exploration'),
  exploreLikeWeight: positive('feed', "weight of a new video's like rate next to its completion rate"),
  trendingKeep: count('feed', 'popular videos kept per region (the trending pool)'),
  scoreWeights: { section: 'feed', kind: { type: 'weights', keys: TASKS }, doc: "the score: weights of the ranker's predictions (skip is usually negative)" },
  graphScoreWeight: weight("weight of the item graph's score for the person"),
  diversity: share('how much looking like what is already on the page costs a candidate (0 = nothing)'),
  followedSlots: count('feed', 'slots per page kept for a followed creator', 0, 50),
  seed: count('learning', 'seed of every random draw of the learners', 0, 0xffffffff),
  snapshotEveryMs: count('learning', 'milliseconds between model snapshots while events arrive', 1000),
  maintenanceEveryMs: count('learning', 'milliseconds between updates of the vector index', 10),
  popularRefreshMs: count('learning', 'milliseconds between recomputations of the popular lists', 10),
  maxPendingEvents: count('learning', 'acknowledged events that may wait to be learned before ingest waits for the learners'),
  learningRate: {
    section: 'learning',
    kind: { type: 'number', min: 1e-6, max: 1 },
    doc: 'step size of the person and video vectors; a change needs `moteur train`',
  },
  rankerLearningRate: {
    section: 'learning',
    kind: { type: 'number', min: 1e-6, max: 1 },
    doc: 'step size of the multi-task ranker; a change needs `moteur train`',
  },
  freeze: {
    section: 'safety',
    kind: { type: 'table', fields: { minReports: COUNT, reportRate: SHARE, sigmas: { type: 'number', min: 0, max: 100 } } },
    doc: "a reported video's reach is frozen past minReports weighted reports and reportRate of its servings, or sigmas deviations over the platform's report rate",
  },
  minors: {
    section: 'safety',
    kind: {
      type: 'table',
      fields: { unknownAgeBand: { type: 'choice', choices: AGE_BANDS }, nonPersonalisedUnder16: BOOLEAN, screenTimeReminderMs: COUNT },
    },
    doc: "minors: the band of people of unknown age, whether under-16s' feeds are non-personalised, the daily watch time before a reminder",
  },
  dispersal: {
    section: 'safety',
    kind: { type: 'table', fields: { window: { type: 'number', min: 1, max: 1000, integer: true }, dailyShare: SHARE } },
    doc: 'sensitive topics: no two of one topic within window consecutive items, at most dailyShare of a day',
  },
  prior: {
    section: 'safety',
    kind: {
      type: 'table',
      fields: {
        enabled: BOOLEAN,
        creatorRemovals: { type: 'number', min: 1, integer: true },
        similarity: { type: 'number', min: -1, max: 1 },
        neighbours: { type: 'number', min: 1, integer: true },
        remembered: { type: 'number', min: 1, integer: true },
      },
    },
    doc: "holds before reports: a removed video's creator's other videos, and videos close to several removed ones",
  },
  integrity: {
    section: 'safety',
    kind: {
      type: 'table',
      fields: { newAccountMs: COUNT, burstWindowMs: COUNT, burstSize: { type: 'number', min: 1, integer: true }, discount: SHARE, lateMs: COUNT },
    },
    doc: 'likes and reports from accounts younger than newAccountMs or past burstSize in burstWindowMs count discount; events older than lateMs are history',
  },
} satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** Where the server listens and what it serves, with their defaults. */
export interface ServerSettings {
  dataDir: string;
  host: string;
  port: number;
  regions: string[] | undefined;
}

export const DEFAULT_SERVER: ServerSettings = { dataDir: '.moteur/data', host: '127.0.0.1', port: 8080, regions: undefined };

/** The keys a variant of an experiment may set: how a feed is built, not what is learned. */
export const VARIANT_KEYS: readonly SettingKey[] = [
  'policy',
  'sources',
  'exploreShare',
  'uniformExploreShare',
  'scoreWeights',
  'graphScoreWeight',
  'diversity',
  'followedSlots',
];

/** A checked configuration file: the keys it sets (others take their defaults) and its experiments. */
export interface Settings {
  values: Partial<Record<SettingKey, unknown>>;
  experiments: Experiment[];
}

export function invalidSetting(source: string, field: string, message: string): MoteurError {
  return new MoteurError('invalid_config', `${source}: ${field}: ${message}`, { field });
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** The closest key, for "did you mean": the one sharing the longest prefix. */
function closest(key: string, keys: readonly string[]): string {
  const shared = (k: string) => [...k].findIndex((c, i) => key[i]?.toLowerCase() !== c.toLowerCase());
  const score = (k: string) => (shared(k) < 0 ? k.length : shared(k));
  return keys.reduce((best, k) => (score(k) > score(best) ? k : best), keys[0]!);
}

function checkValue(kind: Kind, raw: unknown, source: string, field: string): unknown {
  const got = JSON.stringify(raw);
  switch (kind.type) {
    case 'number': {
      const range = kind.max === undefined ? `at least ${kind.min}` : `from ${kind.min} to ${kind.max}`;
      const what = `${kind.integer ? 'an integer' : 'a number'} ${range}`;
      if (
        typeof raw !== 'number' ||
        !Number.isFinite(raw) ||
        (kind.integer && !Number.isInteger(raw)) ||
        raw < kind.min ||
        (kind.max !== undefined && raw > kind.max)
      ) {
        throw invalidSetting(source, field, `must be ${what}, got ${got}`);
      }
      return raw;
    }
    case 'string':
      if (typeof raw !== 'string' || raw === '' || (kind.pattern !== undefined && !kind.pattern.test(raw))) {
        throw invalidSetting(source, field, `must be ${kind.describe ?? 'a non-empty string'}, got ${got}`);
      }
      return raw;
    case 'choice':
      if (typeof raw !== 'string' || !kind.choices.includes(raw)) throw invalidSetting(source, field, `must be one of ${kind.choices.join(', ')}, got ${got}`);
      return raw;
    case 'list':
      if (!Array.isArray(raw) || raw.length === 0) throw invalidSetting(source, field, `must be a non-empty list of region names, got ${got}`);
      raw.forEach((r, i) => checkValue(REGION, r, source, `${field}[${i}]`));
      return raw;
    case 'boolean':
      if (typeof raw !== 'boolean') throw invalidSetting(source, field, `must be true or false, got ${got}`);
      return raw;
    case 'table': {
      const names = Object.keys(kind.fields);
      if (!isObject(raw)) throw invalidSetting(source, field, `must be a table with keys among ${names.join(', ')}, got ${got}`);
      checkKeys(raw, names, source, `${field}.`);
      for (const [key, value] of Object.entries(raw)) checkValue(kind.fields[key]!, value, source, `${field}.${key}`);
      return raw;
    }
    case 'weights': {
      if (!isObject(raw)) throw invalidSetting(source, field, `must be a table of numbers with keys among ${kind.keys.join(', ')}, got ${got}`);
      for (const [key, value] of Object.entries(raw)) {
        if (!kind.keys.includes(key)) throw invalidSetting(source, `${field}.${key}`, `is not one of ${kind.keys.join(', ')}`);
        checkValue({ type: 'number', min: kind.min ?? -1e6, max: 1e6 }, value, source, `${field}.${key}`);
      }
      return raw;
    }
  }
}

function checkKeys(raw: Record<string, unknown>, allowed: readonly string[], source: string, prefix: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      throw invalidSetting(source, prefix + key, `is not a setting here; did you mean ${closest(key, allowed)}? (allowed: ${allowed.join(', ')})`);
    }
  }
}

function checkExperiments(raw: unknown, source: string): Experiment[] {
  if (!isObject(raw)) throw invalidSetting(source, 'experiments', 'must be a table of experiments, each a table of two or more variants');
  return Object.entries(raw).map(([name, variants]) => {
    const field = `experiments.${name}`;
    if (!NAME.test(name)) throw invalidSetting(source, field, 'an experiment name is letters, digits, - and _ (at most 64)');
    if (!isObject(variants) || Object.keys(variants).length < 2)
      throw invalidSetting(source, field, 'must be a table of two or more variants, e.g. {"control": {}, "more-explore": {"exploreShare": 0.4}}');
    return {
      name,
      variants: Object.entries(variants).map(([variant, keys]) => {
        const at = `${field}.${variant}`;
        if (!NAME.test(variant)) throw invalidSetting(source, at, 'a variant name is letters, digits, - and _ (at most 64)');
        if (!isObject(keys)) throw invalidSetting(source, at, `must be a table of feed settings among ${VARIANT_KEYS.join(', ')}`);
        checkKeys(keys, VARIANT_KEYS, source, `${at}.`);
        const feed: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(keys)) feed[key] = checkValue(SETTINGS[key as SettingKey].kind as Kind, value, source, `${at}.${key}`);
        return { name: variant, feed: completeTables(feed) as Partial<FeedConfig> };
      }),
    };
  });
}

/** A table setting left partly out keeps the defaults of its other keys. */
function completeTables(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const fallback = defaultOf(key as SettingKey);
    out[key] = isObject(fallback) ? { ...fallback, ...(value as object) } : value;
  }
  return out;
}

/** Checks a parsed configuration file (JSON or TOML) against the schema. */
export function checkSettings(raw: unknown, source: string): Settings {
  if (!isObject(raw)) throw invalidSetting(source, '(top level)', 'must be a table of settings');
  const { experiments, ...rest } = raw;
  checkKeys(rest, SETTING_KEYS, source, '');
  const values: Partial<Record<SettingKey, unknown>> = {};
  for (const [key, value] of Object.entries(rest)) values[key as SettingKey] = checkValue(SETTINGS[key as SettingKey].kind as Kind, value, source, key);
  const settings = { values: completeTables(values), experiments: experiments === undefined ? [] : checkExperiments(experiments, source) };
  const pageSizes = { ...DEFAULT_CONFIG.feed, ...settings.values };
  if ((pageSizes.defaultPageSize as number) > (pageSizes.maxPageSize as number)) {
    throw invalidSetting(source, 'defaultPageSize', `must be at most maxPageSize (${pageSizes.maxPageSize}), got ${pageSizes.defaultPageSize}`);
  }
  return settings;
}

/** A key's default value. */
export function defaultOf(key: SettingKey): unknown {
  const { section } = SETTINGS[key];
  if (section === 'server') return DEFAULT_SERVER[key as keyof ServerSettings];
  if (section === 'engine') return DEFAULT_CONFIG[key as keyof MoteurConfig];
  if (section === 'feed') return DEFAULT_CONFIG.feed[key as keyof FeedConfig];
  if (section === 'safety') return DEFAULT_CONFIG.safety[key as keyof SafetyConfig];
  return DEFAULT_CONFIG.learning[key as keyof LearningConfig];
}

/** Every key with its value: the file's where it sets one, the default otherwise. */
export function effectiveValues(settings: Settings): Record<SettingKey, unknown> {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, key in settings.values ? settings.values[key] : defaultOf(key)])) as Record<SettingKey, unknown>;
}
