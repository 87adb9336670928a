/** A birth date becomes an age band at once; the date itself is never kept. */
import { invalid } from '../core/errors.ts';
import type { SafetyConfig } from './config.ts';
import { isMinor, type AgeBand } from './vocabulary.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whole years between a `YYYY-MM-DD` birth date and `now` (UTC). */
function ageOn(birthDate: string, now: number): number {
  const match = DATE.exec(birthDate);
  const born = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(born) || new Date(born).toISOString().slice(0, 10) !== birthDate) {
    throw invalid('birthDate', 'expected a calendar date YYYY-MM-DD');
  }
  if (born > now) throw invalid('birthDate', 'is in the future');
  const today = new Date(now);
  const birth = new Date(born);
  const hadBirthday = today.getUTCMonth() > birth.getUTCMonth() || (today.getUTCMonth() === birth.getUTCMonth() && today.getUTCDate() >= birth.getUTCDate());
  return today.getUTCFullYear() - birth.getUTCFullYear() - (hadBirthday ? 0 : 1);
}

/** The band a birth date falls in; people under 13 may not have an account (a 400 saying so). */
export function ageBandOf(birthDate: string, now = Date.now()): AgeBand {
  const age = ageOn(birthDate, now);
  if (age < 13) throw invalid('birthDate', 'people under 13 may not use the service');
  return age < 16 ? '13-15' : age < 18 ? '16-17' : '18+';
}

/** The band the feed applies: people of unknown age get the strictest band the deployment configures. */
export function effectiveBand(stored: AgeBand | undefined, config: SafetyConfig): AgeBand {
  return stored ?? config.minors.unknownAgeBand;
}

export const isUnder18 = (stored: AgeBand | undefined, config: SafetyConfig): boolean => isMinor(effectiveBand(stored, config));
