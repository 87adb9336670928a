/**
 * What the safety rules have to work with in a benchmark's catalog and people, so that a feed timed with them on
 * pays for every rule: a share of videos carry a sensitive topic (dispersal), a share are under a moderator's
 * decision (not for you, age-restricted, labelled, removed), and a share of people are minors. The minors keep a
 * personalised feed (13-15 year olds whose app turned it on), so that the timed path is the personalised one with
 * the age filter, not the cheaper non-personalised feed under-16s get by default.
 */
import type { Moteur } from '../../src/app/moteur.ts';
import type { DecisionInput } from '../../src/safety/moderation.ts';

const SENSITIVE_TOPICS = ['dieting', 'sadness', 'extreme_fitness'];
/** One video in this many carries a sensitive topic, as in `moteur eval sim`'s default world. */
const SENSITIVE_EVERY = 10;
/** One video in this many is under a moderator's decision. */
const DECIDED_EVERY = 100;
/** One person in this many is a minor. */
const MINOR_EVERY = 5;
const ACTIONS = ['not_for_you', 'age_restrict', 'label', 'remove'] as const;
const MODERATOR = { principal: 'bench-moderator', policyVersion: 'bench' };

/** The video as uploaded, with a sensitive topic on one in SENSITIVE_EVERY (fixed by its position, not drawn). */
export function withSensitiveTopic<T extends { id: string }>(video: T, index: number): T & { sensitiveTopics?: string[] } {
  if (index % SENSITIVE_EVERY !== 3) return video;
  return { ...video, sensitiveTopics: [SENSITIVE_TOPICS[Math.floor(index / SENSITIVE_EVERY) % SENSITIVE_TOPICS.length]!] };
}

/** Whether person `u${index}` is one of the minors `applySafetyMix` makes. */
export const isMinor = (index: number) => index % MINOR_EVERY === 0;

/** Decides one video in DECIDED_EVERY (the actions in turn) and makes one person in MINOR_EVERY a minor. */
export async function applySafetyMix(moteur: Moteur, videos: number, users: number): Promise<{ decisions: number; minors: number }> {
  let decisions = 0;
  for (let i = 7; i < videos; i += DECIDED_EVERY) {
    const action = ACTIONS[decisions % ACTIONS.length]!;
    const input: DecisionInput = {
      videoId: `v${i}`,
      action,
      category: 'other_violation_tc',
      ground: 'incompatible',
      explanation: 'Benchmark decision.',
      ...(action === 'label' ? { label: 'unverified' } : {}),
    };
    await moteur.decide(input, MODERATOR);
    decisions++;
  }
  const birthYear = new Date().getUTCFullYear() - 15;
  let minors = 0;
  for (let u = 0; u < users; u += MINOR_EVERY) {
    await moteur.putUser(`u${u}`, { birthDate: `${birthYear}-01-01`, settings: { personalized: true } });
    minors++;
  }
  return { decisions, minors };
}
