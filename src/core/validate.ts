/** Turns untrusted JSON into domain objects, or a MoteurError naming the field that is wrong. */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { invalid } from './errors.ts';
import { allFloat32, FLOAT32_MAX } from './float32.ts';
import { EventInput, UserInput, VideoInput } from './schemas.ts';
import { DEFAULT_SETTINGS, EVENT_TYPES, REPORT_REASONS, type User, type Video, type WatchEvent } from './types.ts';

export interface ValidationDefaults {
  /** Region given to users and videos that do not name one. */
  region: string;
  language: string;
  /** Every video embedding must have exactly this many numbers. */
  embeddingDim: number;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// Years 1970..2200: anything outside is a unit mistake (seconds for milliseconds), not a real time.
const MAX_TS = Date.UTC(2200, 0, 1);

export function parseTimestamp(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > MAX_TS) {
      throw invalid(field, 'epoch milliseconds must be between 0 and year 2200');
    }
    return Math.trunc(value);
  }
  if (typeof value === 'string' && ISO_8601.test(value)) {
    if (!isCalendarDate(value)) throw invalid(field, `${value.slice(0, 10)} is not a date in the calendar`);
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && ms >= 0 && ms <= MAX_TS) return ms;
  }
  throw invalid(field, 'expected an ISO 8601 date-time string or epoch milliseconds');
}

/** Whether the string's YYYY-MM-DD names a real day (Date.parse takes 2026-02-31 for March 3). */
function isCalendarDate(iso: string): boolean {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return month >= 1 && month <= 12 && date.getUTCDate() === day && date.getUTCMonth() === month - 1;
}

// With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** The path of the first string (or object key) in `value` that is not well-formed Unicode, or undefined. */
function illFormedAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = illFormedAt(value[i], `${path}[${i}]`);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const named = path === '' ? key : `${path}.${key}`;
      if (LONE_SURROGATE.test(key)) return named;
      const at = illFormedAt(inner, named);
      if (at !== undefined) return at;
    }
  }
  return undefined;
}

/** Refuses text with a lone UTF-16 surrogate: it cannot be stored or sent back as UTF-8 unchanged. */
export function assertWellFormed(value: unknown, what: string): void {
  const at = illFormedAt(value, '');
  if (at !== undefined) throw invalid(at || what, 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)');
}

function compiled<T extends TSchema>(schema: T): TypeCheck<T> {
  return TypeCompiler.Compile(schema);
}

const videoCheck = compiled(VideoInput);
const userCheck = compiled(UserInput);
const eventCheck = compiled(EventInput);

/** Throws the first schema error, named by its JSON path (`hashtags/2` becomes `hashtags[2]`). */
function assertShape<T extends TSchema>(check: TypeCheck<T>, value: unknown, what: string): void {
  if (check.Check(value)) {
    assertWellFormed(value, what);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(what, `expected a JSON object`);
  }
  const first = check.Errors(value).First();
  const field =
    (first?.path ?? '')
      .replace(/^\//, '')
      .replace(/\/(\d+)/g, '[$1]')
      .replace(/\//g, '.') || what;
  if (first && first.path.split('/').length === 2 && !(first.path.slice(1) in (value as object))) {
    throw invalid(field, 'is required');
  }
  const known = Object.keys((check.Schema() as { properties?: object }).properties ?? {});
  const extra = Object.keys(value as object).find((k) => !known.includes(k));
  if (extra !== undefined) throw invalid(extra, `unknown field (allowed: ${known.join(', ')})`);
  if (field === 'type' && what === 'event') throw invalid('type', `must be one of ${EVENT_TYPES.join(', ')}`);
  if (field === 'reason' && what === 'event') throw invalid('reason', `must be one of ${REPORT_REASONS.join(', ')}`);
  throw invalid(field, first?.message.toLowerCase() ?? 'is not valid');
}

export function parseVideo(raw: unknown, defaults: ValidationDefaults, now = Date.now()): Video {
  assertShape(videoCheck, raw, 'video');
  const v = raw as VideoInput;
  if (v.embedding !== undefined) {
    if (v.embedding.length !== defaults.embeddingDim) {
      throw invalid('embedding', `must have exactly ${defaults.embeddingDim} numbers, got ${v.embedding.length}`);
    }
    // Kept as float32: a larger number would be stored as an infinity and poison every score it touches.
    if (!allFloat32(v.embedding)) throw invalid('embedding', `must hold finite numbers within float32 range (±${FLOAT32_MAX.toPrecision(3)})`);
  }
  const video: Video = {
    id: v.id,
    creatorId: v.creatorId,
    durationMs: v.durationMs,
    createdAt: v.createdAt === undefined ? now : parseTimestamp(v.createdAt, 'createdAt'),
    caption: v.caption ?? '',
    hashtags: (v.hashtags ?? []).map((h) => h.replace(/^#/, '').toLowerCase()),
    soundId: v.soundId ?? '',
    language: v.language ?? defaults.language,
    region: v.region ?? defaults.region,
    status: v.status ?? 'active',
  };
  if (v.embedding !== undefined) video.embedding = v.embedding;
  if (v.sensitiveTopics !== undefined) video.sensitiveTopics = [...new Set(v.sensitiveTopics.map((t) => t.toLowerCase()))];
  return video;
}

/** Applies a partial update to an existing user, or builds a new one from defaults. */
export function parseUser(id: string, raw: unknown, defaults: ValidationDefaults, existing?: User, now = Date.now()): User {
  if (id.length === 0 || id.length > 128) throw invalid('id', 'must be 1 to 128 characters');
  assertWellFormed(id, 'id');
  assertShape(userCheck, raw, 'user');
  const u = raw as UserInput;
  const base = existing ?? defaultUser(id, defaults, now);
  return {
    id,
    region: u.region ?? base.region,
    language: u.language ?? base.language,
    createdAt: u.createdAt === undefined ? base.createdAt : parseTimestamp(u.createdAt, 'createdAt'),
    settings: {
      personalized: u.settings?.personalized ?? base.settings.personalized,
      keywordFilters: u.settings?.keywordFilters ?? base.settings.keywordFilters,
      ...(base.settings.ageBand === undefined ? {} : { ageBand: base.settings.ageBand }),
    },
  };
}

export function defaultUser(id: string, defaults: ValidationDefaults, now = Date.now()): User {
  return { id, region: defaults.region, language: defaults.language, createdAt: now, settings: { ...DEFAULT_SETTINGS } };
}

export function parseEvent(raw: unknown): WatchEvent {
  assertShape(eventCheck, raw, 'event');
  const e = raw as import('./schemas.ts').EventInput;
  if (e.type === 'play' && e.watchMs === undefined) throw invalid('watchMs', 'is required for play events');
  if (e.type === 'report' && e.reason === undefined) throw invalid('reason', `is required for report events: one of ${REPORT_REASONS.join(', ')}`);
  if (e.type !== 'report' && e.reason !== undefined) throw invalid('reason', 'is only for report events');
  const event: WatchEvent = { id: e.id, userId: e.userId, videoId: e.videoId, type: e.type, ts: parseTimestamp(e.ts, 'ts') };
  if (e.watchMs !== undefined) event.watchMs = e.watchMs;
  if (e.sessionId !== undefined) event.sessionId = e.sessionId;
  if (e.position !== undefined) event.position = e.position;
  if (e.reason !== undefined) event.reason = e.reason;
  return event;
}
