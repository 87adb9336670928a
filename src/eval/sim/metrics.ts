/**
 * What one simulated session yielded, and the figures computed from many: per day, overall, per person
 * (the unit an A/B comparison resamples) and how fast a new person's feed gets good.
 */
import type { Watched } from '../../sim/watch-page.ts';

export interface SessionRecord {
  userId: string;
  day: number;
  /** 1 for the person's first session. */
  sessionNumber: number;
  /** Impressions the person had before this session. */
  impressionsBefore: number;
  impressions: number;
  watchMs: number;
  likes: number;
  /** Hidden affinity of each watched video, in order. */
  affinities: number[];
  newCreatorImpressions: number;
  /** Impressions of videos posted less than a day before. */
  newVideoImpressions: number;
  /** Mean pairwise cosine distance of the session's content embeddings; undefined below two videos. */
  diversity: number | undefined;
  /** The person left the app for good after this session. */
  left: boolean;
}

/** Sums a metric is a ratio of; kept per person so a comparison can resample people. */
export interface Totals {
  people: number;
  sessions: number;
  impressions: number;
  watchMs: number;
  likes: number;
  affinity: number;
  newCreatorImpressions: number;
  newVideoImpressions: number;
  diversity: number;
  diverseSessions: number;
  left: number;
}

export interface Figures {
  sessions: number;
  impressions: number;
  /** Watch time per session, in minutes. */
  watchMinutesPerSession: number;
  likesPer100Impressions: number;
  /** Share of impressions that went to creators who joined recently. */
  newCreatorShare: number;
  /** Share of impressions that went to videos posted less than a day before: the reach exploration buys. */
  newVideoShare: number;
  /** Mean pairwise cosine distance of content embeddings within a session (0: all alike). */
  intraSessionDiversity: number;
  /** Mean hidden affinity of what was served (0..1): how good the feeds really were. */
  meanAffinity: number;
  /** Share of people who had a session and had not left for good at its end. */
  retention: number;
}

/** Each metric a comparison reports, and which way is better. */
export const METRICS: { key: Exclude<keyof Figures, 'sessions' | 'impressions'>; higherIsBetter: boolean }[] = [
  { key: 'watchMinutesPerSession', higherIsBetter: true },
  { key: 'likesPer100Impressions', higherIsBetter: true },
  { key: 'newCreatorShare', higherIsBetter: true },
  { key: 'newVideoShare', higherIsBetter: true },
  { key: 'intraSessionDiversity', higherIsBetter: true },
  { key: 'meanAffinity', higherIsBetter: true },
  { key: 'retention', higherIsBetter: true },
];

export function emptyTotals(): Totals {
  return {
    people: 0,
    sessions: 0,
    impressions: 0,
    watchMs: 0,
    likes: 0,
    affinity: 0,
    newCreatorImpressions: 0,
    newVideoImpressions: 0,
    diversity: 0,
    diverseSessions: 0,
    left: 0,
  };
}

export function addSession(totals: Totals, s: SessionRecord): void {
  totals.sessions++;
  totals.impressions += s.impressions;
  totals.watchMs += s.watchMs;
  totals.likes += s.likes;
  totals.affinity += s.affinities.reduce((a, b) => a + b, 0);
  totals.newCreatorImpressions += s.newCreatorImpressions;
  totals.newVideoImpressions += s.newVideoImpressions;
  if (s.diversity !== undefined) {
    totals.diversity += s.diversity;
    totals.diverseSessions++;
  }
  if (s.left) totals.left++;
}

export function addTotals(into: Totals, from: Totals): void {
  for (const key of Object.keys(into) as (keyof Totals)[]) into[key] += from[key];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function figures(t: Totals): Figures {
  return {
    sessions: t.sessions,
    impressions: t.impressions,
    watchMinutesPerSession: ratio(t.watchMs / 60_000, t.sessions),
    likesPer100Impressions: ratio(100 * t.likes, t.impressions),
    newCreatorShare: ratio(t.newCreatorImpressions, t.impressions),
    newVideoShare: ratio(t.newVideoImpressions, t.impressions),
    intraSessionDiversity: ratio(t.diversity, t.diverseSessions),
    meanAffinity: ratio(t.affinity, t.impressions),
    retention: ratio(t.people - t.left, t.people),
  };
}

/** Totals per person, for the people among `records` (each counted once in `people`). */
export function totalsByPerson(records: readonly SessionRecord[]): Map<string, Totals> {
  const byPerson = new Map<string, Totals>();
  for (const r of records) {
    let t = byPerson.get(r.userId);
    if (t === undefined) {
      t = emptyTotals();
      t.people = 1;
      byPerson.set(r.userId, t);
    }
    addSession(t, r);
  }
  return byPerson;
}

export function totalsOf(records: readonly SessionRecord[]): Totals {
  const all = emptyTotals();
  for (const t of totalsByPerson(records).values()) addTotals(all, t);
  return all;
}

/** Mean pairwise cosine distance of unit vectors: 1 − (|Σv|² − n) / (n(n − 1)). */
export function meanPairwiseDistance(vectors: readonly (readonly number[])[]): number | undefined {
  const n = vectors.length;
  if (n < 2) return undefined;
  const sum = new Float64Array(vectors[0]!.length);
  let selfSum = 0;
  for (const v of vectors) {
    for (let i = 0; i < v.length; i++) {
      sum[i]! += v[i]!;
      selfSum += v[i]! * v[i]!;
    }
  }
  let squared = 0;
  for (const x of sum) squared += x * x;
  return 1 - (squared - selfSum) / (n * (n - 1));
}

/** Lifetime impression counts that bound the buckets of the convergence curve. */
export const IMPRESSION_BUCKETS = [10, 25, 50, 100, 200, 400];
/** Sessions the convergence curve follows a person through. */
export const CONVERGENCE_SESSIONS = 10;

export interface Convergence {
  /** Mean hidden affinity of served videos in a person's 1st, 2nd, ... session. */
  bySession: { session: number; people: number; meanAffinity: number }[];
  /** The same by the person's lifetime impression count: impressions `from`..`to` (inclusive; the last bucket has no end). */
  byImpressions: { from: number; to: number | null; impressions: number; meanAffinity: number }[];
}

export function convergence(records: readonly SessionRecord[]): Convergence {
  const sessions = Array.from({ length: CONVERGENCE_SESSIONS }, () => ({ people: 0, affinity: 0, impressions: 0 }));
  const buckets = Array.from({ length: IMPRESSION_BUCKETS.length + 1 }, () => ({ affinity: 0, impressions: 0 }));
  for (const r of records) {
    const s = sessions[r.sessionNumber - 1];
    if (s !== undefined && r.impressions > 0) {
      s.people++;
      s.affinity += r.affinities.reduce((a, b) => a + b, 0);
      s.impressions += r.impressions;
    }
    r.affinities.forEach((a, i) => {
      const lifetime = r.impressionsBefore + i + 1;
      const at = IMPRESSION_BUCKETS.findIndex((limit) => lifetime <= limit);
      const b = buckets[at < 0 ? IMPRESSION_BUCKETS.length : at]!;
      b.affinity += a;
      b.impressions++;
    });
  }
  return {
    bySession: sessions.map((s, i) => ({ session: i + 1, people: s.people, meanAffinity: ratio(s.affinity, s.impressions) })),
    byImpressions: buckets.map((b, i) => ({
      from: i === 0 ? 1 : IMPRESSION_BUCKETS[i - 1]! + 1,
      to: IMPRESSION_BUCKETS[i] ?? null,
      impressions: b.impressions,
      meanAffinity: ratio(b.affinity, b.impressions),
    })),
  };
}

/** What watching a page adds to a session's record. */
export function recordWatched(
  record: SessionRecord,
  watched: readonly Watched[],
  isNewCreator: (w: Watched) => boolean,
  isNewVideo: (w: Watched) => boolean,
): void {
  for (const w of watched) {
    record.impressions++;
    record.watchMs += w.reaction.watchMs;
    if (w.reaction.actions.includes('like')) record.likes++;
    record.affinities.push(w.reaction.affinity);
    if (isNewCreator(w)) record.newCreatorImpressions++;
    if (isNewVideo(w)) record.newVideoImpressions++;
  }
}
