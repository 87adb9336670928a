import { InvalidArgumentError } from 'commander';
import { parseLearnerShard, type LearnerShard } from '../cluster/learner-shard.ts';
import { REGION_NAME } from '../residency/open-regions.ts';
import { messageOf } from '../core/thrown.ts';

/** Option parsers shared by the commands: they reject bad values with a message saying what is expected. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer from 0 up');
  return n;
}

/** A seed for the random draws: an integer from 0 to 2^32 - 1. */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected an integer from 0 to 4294967295');
  return n;
}

/** A comma-separated list of region names (`eu,us`). */
export function parseRegions(value: string): string[] {
  const regions = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (regions.length === 0) throw new InvalidArgumentError('expected one or more region names, comma-separated (eu,us)');
  const bad = regions.find((r) => !REGION_NAME.test(r));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a region name (2 to 16 lower-case letters, digits or dashes, starting with a letter)`);
  return regions;
}

/** A learner shard, `i/N` with 0 <= i < N. */
export function parseShard(value: string): LearnerShard {
  try {
    return parseLearnerShard(value);
  } catch (err) {
    throw new InvalidArgumentError(messageOf(err));
  }
}
