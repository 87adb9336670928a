import type { AgeBand } from './vocabulary.ts';

export interface SafetyConfig {
  /** Whether the feed applies moderation's limits, age restrictions and dispersal, and reports can freeze a video's reach. */
  enabled: boolean;
  /** The moderation database (reports, decisions, appeals); in memory when undefined. */
  storePath: string | undefined;
  /**
   * A reported video's reach is frozen (no new audience from exploration, trending or similarity) once its
   * weighted reports reach `minReports` and `reportRate` of the times it was served, or, at a larger reach, exceed
   * what the platform's report rate explains by `sigmas` standard deviations (0: the rate alone); see
   * src/safety/freeze-threshold.ts.
   */
  freeze: { minReports: number; reportRate: number; sigmas: number };
  minors: {
    /** The band people of unknown age are treated as: the strictest band the deployment admits. */
    unknownAgeBand: AgeBand;
    /** Whether people under 16 get a non-personalised feed unless they (or the app) turn personalisation on. */
    nonPersonalisedUnder16: boolean;
    /** Watch time in a day after which a minor's feed answer carries `screenTimeReminder: true`. */
    screenTimeReminderMs: number;
  };
  dispersal: {
    /** No two videos of the same sensitive topic within this many consecutive items of a person's feed. */
    window: number;
    /** At most this share of what a person is served in a day carries a sensitive topic. */
    dailyShare: number;
  };
  /**
   * Detection before reports (src/safety/prior-risk.ts): a video whose creator had `creatorRemovals` other videos
   * removed, or whose content vector has a mean cosine similarity of `similarity` or more to its `neighbours` most
   * similar removed videos (of the last `remembered`), is held like a frozen one and queued until a moderator decides.
   */
  prior: { enabled: boolean; creatorRemovals: number; similarity: number; neighbours: number; remembered: number };
  /**
   * Reports and likes from new accounts or from bursts count for less (src/safety/signal-integrity.ts). An event
   * more than `lateMs` older than its arrival is history: judged at its own time only from a key that may import.
   */
  integrity: { newAccountMs: number; burstWindowMs: number; burstSize: number; discount: number; lateMs: number };
}

export const DEFAULT_SAFETY: SafetyConfig = {
  enabled: true,
  storePath: undefined,
  freeze: { minReports: 3, reportRate: 0.02, sigmas: 3 },
  // Unknown age counts as 16-17 by default: never shown age-restricted videos, still personalised. A deployment
  // that admits 13-15 year olds sets '13-15', and then unknown-age people get its strictest rules.
  minors: { unknownAgeBand: '16-17', nonPersonalisedUnder16: true, screenTimeReminderMs: 60 * 60_000 },
  dispersal: { window: 10, dailyShare: 0.2 },
  prior: { enabled: true, creatorRemovals: 1, similarity: 0.5, neighbours: 3, remembered: 2000 },
  integrity: { newAccountMs: 60 * 60_000, burstWindowMs: 60_000, burstSize: 5, discount: 0.25, lateMs: 5 * 60_000 },
};
