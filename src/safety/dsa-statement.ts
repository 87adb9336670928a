/**
 * A decision as a statement of reasons in the EU DSA Transparency Database's format, and the creator's own
 * copy of it in plain words. Neither names a person: `puid` is the decision's id.
 */
import type { Video } from '../core/types.ts';
import type { Decision } from './safety-store.ts';
import type { DecisionAction } from './vocabulary.ts';

export type Statement = Record<string, string | string[] | null>;

const VISIBILITY: Record<Exclude<DecisionAction, 'restore'>, string> = {
  remove: 'DECISION_VISIBILITY_CONTENT_REMOVED',
  not_for_you: 'DECISION_VISIBILITY_CONTENT_DEMOTED',
  freeze: 'DECISION_VISIBILITY_CONTENT_DEMOTED',
  age_restrict: 'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  label: 'DECISION_VISIBILITY_CONTENT_LABELLED',
};

const WHAT_HAPPENS: Record<Exclude<DecisionAction, 'restore'>, string> = {
  remove: 'was removed: it is no longer shown to anyone',
  not_for_you: 'is no longer recommended: your followers and people with its link can still watch it',
  freeze: 'was temporarily kept from new audiences until a moderator reviews it (the reason is below): your followers can still watch it',
  age_restrict: 'is no longer shown to people under 18',
  label: 'is shown with a label and is no longer promoted to new audiences',
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The statement of reasons for a decision that restricts `video`; undefined for a restore, which restricts nothing. */
export function statementOf(decision: Decision, video: Video): Statement | undefined {
  if (decision.action === 'restore') return undefined;
  const automated = decision.decidedBy === 'automated';
  const statement: Statement = {
    decision_visibility: [VISIBILITY[decision.action]],
    decision_ground: decision.ground === 'illegal' ? 'DECISION_GROUND_ILLEGAL_CONTENT' : 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
  };
  if (decision.ground === 'illegal') {
    statement.illegal_content_legal_ground = (decision.legalGround ?? '').slice(0, 500);
    statement.illegal_content_explanation = decision.explanation.slice(0, 2000);
  } else {
    statement.incompatible_content_ground = `Community guidelines: ${decision.category.replaceAll('_', ' ')}`;
    statement.incompatible_content_explanation = decision.explanation.slice(0, 2000);
    statement.incompatible_content_illegal = 'No';
  }
  statement.content_type = ['CONTENT_TYPE_VIDEO'];
  statement.category = `STATEMENT_CATEGORY_${decision.category.toUpperCase()}`;
  if (decision.action === 'age_restrict') statement.category_specification = ['KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS'];
  if (/^[a-z]{2}$/.test(video.language)) statement.content_language = video.language.toUpperCase();
  statement.content_date = day(video.createdAt);
  statement.application_date = day(decision.ts);
  statement.decision_facts = factsOf(decision).slice(0, 5000);
  statement.source_type = decision.source === 'notice' ? 'SOURCE_ARTICLE_16' : 'SOURCE_VOLUNTARY';
  statement.automated_detection = automated ? 'Yes' : 'No';
  statement.automated_decision = automated ? 'AUTOMATED_DECISION_FULLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED';
  statement.puid = decision.id;
  return statement;
}

function factsOf(decision: Decision): string {
  const how = decision.source === 'notice' ? 'after notices from people who watched it' : "on the platform's own initiative";
  return `A short video, served ${decision.reach} times, was reviewed ${how}. ${decision.explanation}`;
}

/** What the creator is told: what was decided, why, by whom (a person or an automated system) and how to appeal. */
export function creatorCopyOf(decision: Decision, appealable: boolean) {
  const what = decision.action === 'restore' ? 'was restored: it is shown as before' : WHAT_HAPPENS[decision.action];
  return {
    decisionId: decision.id,
    videoId: decision.videoId,
    decided: `Your video ${decision.videoId} ${what}.`,
    why: `${decision.explanation} (${decision.ground === 'illegal' ? `illegal content: ${decision.legalGround ?? ''}` : 'against the community guidelines'}; category: ${decision.category.replaceAll('_', ' ')})`,
    decidedBy: decision.decidedBy === 'automated' ? 'an automated system, without human review so far' : 'a human moderator',
    date: day(decision.ts),
    howToAppeal: appealable
      ? `Appeal with POST /v1/moderation/appeals {"decisionId":"${decision.id}","explanation":"..."}: a different moderator reviews the case.`
      : 'This decision is no longer in force or is already under appeal.',
  };
}
