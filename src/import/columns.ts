/**
 * CSV gives every value as text: these turn a CSV record into the JSON shape the API takes.
 * JSON Lines records already have that shape and pass through untouched.
 */
type Converter = (text: string) => unknown;

const number: Converter = (t) => (/^-?\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : t);
const list: Converter = (t) =>
  t
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const numbers: Converter = (t) => t.split(';').map((s) => Number(s));
const boolean: Converter = (t) => (t === 'true' ? true : t === 'false' ? false : t);

const VIDEO: Record<string, Converter> = { durationMs: number, createdAt: number, hashtags: list, embedding: numbers };
const EVENT: Record<string, Converter> = { ts: number, watchMs: number, position: number };
const USER: Record<string, Converter> = { createdAt: number, personalized: boolean, keywordFilters: list };

function convert(record: Record<string, unknown>, converters: Record<string, Converter>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[key] = typeof value === 'string' && converters[key] ? converters[key](value) : value;
  return out;
}

export const videoFromCsv = (r: Record<string, unknown>) => convert(r, VIDEO);
export const eventFromCsv = (r: Record<string, unknown>) => convert(r, EVENT);

/** Users carry their settings flat in CSV (`personalized`, `keywordFilters`) and nested in JSON. */
export function userFromCsv(r: Record<string, unknown>): Record<string, unknown> {
  const { personalized, keywordFilters, ...rest } = convert(r, USER);
  const settings: Record<string, unknown> = {};
  if (personalized !== undefined) settings.personalized = personalized;
  if (keywordFilters !== undefined) settings.keywordFilters = keywordFilters;
  return Object.keys(settings).length === 0 ? rest : { ...rest, settings };
}
