import { invalid } from '../../core/errors.ts';

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration as Gorse takes it (`300ms`, `1.5h`, `2h45m`), in milliseconds. */
export function parseGoDuration(text: string, field: string): number {
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    total += Number(match[1]) * UNITS_MS[match[2]!]!;
    at = part.lastIndex;
  }
  if (at === 0 || at !== text.length) throw invalid(field, `'${text}' is not a duration (examples: 30s, 10m, 1h30m)`);
  return total;
}
