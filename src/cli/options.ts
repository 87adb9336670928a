import { InvalidArgumentError } from 'commander';

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

/** A seed for the random draws: an integer from 0 to 2^32 - 1. */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected an integer from 0 to 4294967295');
  return n;
}

/** A comma-separated list of region names (`eu,us`). */
export function parseRegions(value: string): string[] {
  const regions = value.split(',').map((r) => r.trim()).filter(Boolean);
  if (regions.length === 0) throw new InvalidArgumentError('expected one or more region names, comma-separated (eu,us)');
  return regions;
}
