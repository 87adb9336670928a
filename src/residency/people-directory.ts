/**
 * Which region each person's data lives in. Every personal write and read is routed by it, and a person of
 * a region this node does not serve is refused rather than quietly recreated in the node's home region.
 */
import { MoteurError } from '../core/errors.ts';

export interface Residency {
  /** The regions this node serves, home region first. */
  readonly regions: readonly string[];
  /** The region a known person's data lives in (served here or not); undefined for someone unknown. */
  regionOf(userId: string): string | undefined;
}

/**
 * What an engine is told about regions: the ones it serves and, when its storage is laid out by region,
 * where each person lives (without `regionOf`, a person's region is read from their profile).
 */
export type ResidencyOptions = Pick<Residency, 'regions'> & Partial<Pick<Residency, 'regionOf'>>;

export const wrongRegion = (region: string, served: readonly string[], field?: string): MoteurError =>
  new MoteurError(
    'wrong_region',
    `this person's data lives in region ${region}; this node serves ${served.join(', ')}: send the request to a node of region ${region}`,
    { field },
  );

export class PeopleDirectory implements Residency {
  private readonly regionById = new Map<string, string>();

  constructor(readonly regions: readonly string[]) {}

  get home(): string {
    return this.regions[0]!;
  }

  serves(region: string): boolean {
    return this.regions.includes(region);
  }

  regionOf(userId: string): string | undefined {
    return this.regionById.get(userId);
  }

  /** Records where a person lives; a person's region never changes (their data would have to move). */
  place(userId: string, region: string): void {
    this.assertStays(userId, region);
    this.regionById.set(userId, region);
  }

  /** A 409 naming where the person's data lives when `region` is another one. */
  assertStays(userId: string, region: string): void {
    const current = this.regionById.get(userId);
    if (current !== undefined && current !== region) {
      throw new MoteurError(
        'region_change',
        `region: this person's data lives in region ${current}; to move it, export the person, erase them and create them again in ${region}`,
        { field: 'region' },
      );
    }
  }

  /** The served region of a person, placing someone unknown in the home region; a 403 for a person served elsewhere. */
  assign(userId: string): string {
    const region = this.regionById.get(userId);
    if (region === undefined) {
      this.regionById.set(userId, this.home);
      return this.home;
    }
    if (!this.serves(region)) throw wrongRegion(region, this.regions);
    return region;
  }

  forget(userId: string): void {
    this.regionById.delete(userId);
  }
}
