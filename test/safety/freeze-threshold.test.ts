/**
 * The reach freeze's threshold adapts to reach: a handful of servings needs `minReports`, a viral video needs only
 * more reports than the platform's report rate explains, far fewer than `reportRate` of its servings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SAFETY, type SafetyConfig } from '../../src/safety/config.ts';
import { FreezeThreshold } from '../../src/safety/freeze-threshold.ts';
import { Moderation } from '../../src/safety/moderation.ts';
import { SafetyStore } from '../../src/safety/safety-store.ts';

const config = (freeze: Partial<SafetyConfig['freeze']> = {}): SafetyConfig => ({ ...DEFAULT_SAFETY, freeze: { ...DEFAULT_SAFETY.freeze, ...freeze } });

/** A platform that served `others` ordinary servings, reported at `rate`, and `videoId` `reach` times. */
function platform(settings: SafetyConfig, videoId: string, reach: number, others = 1_000_000, rate = 0.001): Moderation {
  const moderation = new Moderation(new SafetyStore(undefined), settings);
  for (let i = 0; i < others; i++) moderation.served('ordinary');
  for (let i = 0; i < others * rate; i++) report(moderation, 'ordinary', `o${i}`);
  for (let i = 0; i < reach; i++) moderation.served(videoId);
  return moderation;
}

let reports = 0;
function report(moderation: Moderation, videoId: string, reporter: string) {
  reports++;
  return moderation.report({ eventId: `r${reports}`, videoId, reason: 'hate', ts: 1_000 + reports, weight: 1, discounted: null, reporter });
}

/** How many reports from different people `videoId` took before it was frozen (undefined: not after `upTo`). */
function reportsUntilFrozen(moderation: Moderation, videoId: string, upTo: number): number | undefined {
  for (let i = 1; i <= upTo; i++) if (report(moderation, videoId, `p${i}`)) return i;
  return undefined;
}

test('a video served three times is not frozen by one report, though that is a third of its servings', () => {
  const moderation = platform(config(), 'small', 3, 10_000);
  assert.equal(reportsUntilFrozen(moderation, 'small', 1), undefined);
  assert.equal(reportsUntilFrozen(moderation, 'small', 5), 2, 'three reports in all (the first above, two more) freeze it');
});

test("a viral video is frozen once its reports exceed what the platform's report rate explains, long before the rate alone", () => {
  // 50,000 servings on a platform reported at 0.1 %: chance explains about 50 reports (sd 7); the 2 % rate would wait for 1,000.
  const adaptive = reportsUntilFrozen(platform(config(), 'viral', 50_000), 'viral', 2_000);
  assert.ok(adaptive !== undefined && adaptive > 70 && adaptive <= 73, `frozen after ${adaptive} reports`);
  assert.equal(reportsUntilFrozen(platform(config({ sigmas: 0 }), 'viral', 50_000), 'viral', 2_000), 1_000, 'sigmas 0: the rate alone');
});

test('a viral video reported as often as any other is not frozen', () => {
  assert.equal(reportsUntilFrozen(platform(config(), 'popular', 50_000), 'popular', 60), undefined);
});

test('before anything is served, the platform rate is the configured rate, and never under minReports', () => {
  const threshold = new FreezeThreshold(DEFAULT_SAFETY.freeze);
  assert.equal(threshold.platformRate(), DEFAULT_SAFETY.freeze.reportRate);
  assert.equal(threshold.reportsToFreeze(0), DEFAULT_SAFETY.freeze.minReports);
});
