/**
 * The words of the safety layer: why a video can be reported, what a moderator can decide, the age bands
 * people are kept in, and how each maps onto the EU statement-of-reasons format (docs/safety.md).
 */

import type { AgeBand, ReportReason } from '../core/types.ts';

export { REPORT_REASONS, type AgeBand, type ReportReason } from '../core/types.ts';

/** How much harm a report of each reason points at: the queue's risk multiplies by it. */
export const REASON_SEVERITY: Record<ReportReason, number> = {
  minor_safety: 5,
  self_harm: 4,
  violence: 3,
  dangerous_acts: 3,
  hate: 3,
  nudity: 2,
  misinformation: 2,
  spam: 1,
  other: 1,
};

/** What a moderator can decide about a video; `freeze` is the engine's own, automated, reversible decision. */
export const MODERATOR_ACTIONS = ['remove', 'not_for_you', 'age_restrict', 'label', 'restore'] as const;
export type ModeratorAction = (typeof MODERATOR_ACTIONS)[number];
export type DecisionAction = ModeratorAction | 'freeze';

/** The statement categories of the DSA Transparency Database, without their `STATEMENT_CATEGORY_` prefix, in lower case. */
export const DECISION_CATEGORIES = [
  'animal_welfare',
  'consumer_information',
  'cyber_violence',
  'cyber_violence_against_women',
  'data_protection_and_privacy_violations',
  'illegal_or_harmful_speech',
  'intellectual_property_infringements',
  'negative_effects_on_civic_discourse_or_elections',
  'not_specified_notice',
  'other_violation_tc',
  'protection_of_minors',
  'risk_for_public_security',
  'scams_and_fraud',
  'self_harm',
  'unsafe_and_prohibited_products',
  'violence',
] as const;
export type DecisionCategory = (typeof DECISION_CATEGORIES)[number];

/** The category a report's reason most likely falls under: the automated freeze's statement uses it. */
export const REASON_CATEGORY: Record<ReportReason, DecisionCategory> = {
  spam: 'scams_and_fraud',
  misinformation: 'negative_effects_on_civic_discourse_or_elections',
  hate: 'illegal_or_harmful_speech',
  violence: 'violence',
  self_harm: 'self_harm',
  nudity: 'protection_of_minors',
  minor_safety: 'protection_of_minors',
  dangerous_acts: 'risk_for_public_security',
  other: 'other_violation_tc',
};

export const isMinor = (band: AgeBand): boolean => band !== '18+';

/** A category's severity: the highest of the report reasons that fall under it (1 for the others). */
export const CATEGORY_SEVERITY: Record<DecisionCategory, number> = Object.fromEntries(
  DECISION_CATEGORIES.map((category) => [
    category,
    Math.max(1, ...(Object.keys(REASON_CATEGORY) as ReportReason[]).filter((r) => REASON_CATEGORY[r] === category).map((r) => REASON_SEVERITY[r])),
  ]),
) as Record<DecisionCategory, number>;
