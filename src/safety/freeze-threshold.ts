/**
 * How many weighted reports freeze a video's reach, for how often it was served. At a small reach, `minReports`
 * and `reportRate` of the servings: one report in three servings is no evidence. At a large reach the rate alone
 * would wait for thousands of reports on a viral video, so the threshold grows only as fast as chance does: a
 * video is frozen once its reports exceed what the platform's own report rate explains by `sigmas` standard
 * deviations (reports as a Poisson count), whichever of the two comes first, never under `minReports`.
 */
import type { SafetyConfig } from './config.ts';

export class FreezeThreshold {
  private servings = 0;
  private reports = 0;

  constructor(private readonly config: SafetyConfig['freeze']) {}

  served(): void {
    this.servings++;
  }

  reported(weight: number): void {
    this.reports += weight;
  }

  /** Reports per serving over the platform, starting from one threshold's worth at `reportRate` (before anything is served, that rate). */
  platformRate(): number {
    const { minReports, reportRate } = this.config;
    return (this.reports + minReports) / (this.servings + minReports / reportRate);
  }

  /** The weighted reports that freeze a video served `reach` times. */
  reportsToFreeze(reach: number): number {
    const { minReports, reportRate, sigmas } = this.config;
    const expected = this.platformRate() * reach;
    const beyondChance = sigmas > 0 ? expected + sigmas * Math.sqrt(expected) : Number.POSITIVE_INFINITY;
    return Math.max(minReports, Math.min(reportRate * Math.max(reach, 1), beyondChance));
  }
}
