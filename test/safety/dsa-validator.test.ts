import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateStatement } from '../../src/safety/dsa-validator.ts';

const valid = {
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_DEMOTED'],
  decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
  incompatible_content_ground: 'Community guidelines: self harm',
  incompatible_content_explanation: 'Shows dangerous dieting.',
  incompatible_content_illegal: 'No',
  content_type: ['CONTENT_TYPE_VIDEO'],
  category: 'STATEMENT_CATEGORY_SELF_HARM',
  content_date: '2026-11-30',
  application_date: '2026-12-01',
  decision_facts: 'A short video, served 40 times, was reviewed after notices.',
  source_type: 'SOURCE_ARTICLE_16',
  automated_detection: 'No',
  automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
  puid: 'dec-abc_1',
};

test('a complete statement is valid', () => {
  assert.deepEqual(validateStatement(valid), []);
});

/** Each case breaks one rule of the format; the validator must name the field it breaks. */
const broken: [string, Record<string, unknown>, string][] = [
  ['visibility required without another decision', { decision_visibility: undefined }, 'decision_visibility'],
  ['visibility values', { decision_visibility: ['DECISION_VISIBILITY_HIDDEN'] }, 'decision_visibility'],
  ['visibility other needs its text', { decision_visibility: ['DECISION_VISIBILITY_OTHER'] }, 'decision_visibility_other'],
  ['visibility other text only with OTHER', { decision_visibility_other: 'x' }, 'decision_visibility_other'],
  [
    'visibility other at most 500',
    { decision_visibility: ['DECISION_VISIBILITY_OTHER'], decision_visibility_other: 'x'.repeat(501) },
    'decision_visibility_other',
  ],
  ['monetary values', { decision_monetary: 'DECISION_MONETARY_FINE' }, 'decision_monetary'],
  ['monetary other needs its text', { decision_monetary: 'DECISION_MONETARY_OTHER' }, 'decision_monetary_other'],
  ['provision values', { decision_provision: 'DECISION_PROVISION_SOME' }, 'decision_provision'],
  ['account values', { decision_account: 'DECISION_ACCOUNT_BANNED' }, 'decision_account'],
  ['account type values', { account_type: 'ACCOUNT_TYPE_CHILD' }, 'account_type'],
  ['ground required', { decision_ground: undefined }, 'decision_ground'],
  ['ground values', { decision_ground: 'DECISION_GROUND_OTHER' }, 'decision_ground'],
  ['incompatible ground required', { incompatible_content_ground: undefined }, 'incompatible_content_ground'],
  ['incompatible explanation at most 2000', { incompatible_content_explanation: 'x'.repeat(2001) }, 'incompatible_content_explanation'],
  ['incompatible illegal is Yes or No', { incompatible_content_illegal: 'Maybe' }, 'incompatible_content_illegal'],
  ['illegal fields absent for incompatible content', { illegal_content_legal_ground: 'Art. 1' }, 'illegal_content_legal_ground'],
  [
    'illegal ground needs its legal ground',
    {
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      incompatible_content_ground: undefined,
      incompatible_content_explanation: undefined,
      incompatible_content_illegal: undefined,
      illegal_content_explanation: 'x',
    },
    'illegal_content_legal_ground',
  ],
  [
    'incompatible fields absent for illegal content',
    { decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT', illegal_content_legal_ground: 'Art. 1', illegal_content_explanation: 'x' },
    'incompatible_content_ground',
  ],
  ['content type required', { content_type: undefined }, 'content_type'],
  ['content type values', { content_type: ['CONTENT_TYPE_MOVIE'] }, 'content_type'],
  ['content type other needs its text', { content_type: ['CONTENT_TYPE_OTHER'] }, 'content_type_other'],
  ['category required', { category: undefined }, 'category'],
  ['category values', { category: 'STATEMENT_CATEGORY_RUDENESS' }, 'category'],
  ['category addition values', { category_addition: ['SELF_HARM'] }, 'category_addition'],
  ['specification keywords', { category_specification: ['EATING_DISORDERS'] }, 'category_specification'],
  ['specification other needs its text', { category_specification: ['KEYWORD_OTHER'] }, 'category_specification_other'],
  ['territorial scope in the EU/EEA', { territorial_scope: ['US'] }, 'territorial_scope'],
  ['language in upper case', { content_language: 'en' }, 'content_language'],
  ['content date required', { content_date: undefined }, 'content_date'],
  ['content date format', { content_date: '30/11/2026' }, 'content_date'],
  ['content date a real day', { content_date: '2026-02-30' }, 'content_date'],
  ['content date from 2000', { content_date: '1999-12-31' }, 'content_date'],
  ['application date from 2020', { application_date: '2019-12-31' }, 'application_date'],
  ['application date until 2038', { application_date: '2038-01-02' }, 'application_date'],
  ['end date format', { end_date_visibility_restriction: 'soon' }, 'end_date_visibility_restriction'],
  ['facts required', { decision_facts: undefined }, 'decision_facts'],
  ['facts at most 5000', { decision_facts: 'x'.repeat(5001) }, 'decision_facts'],
  ['source required', { source_type: undefined }, 'source_type'],
  ['source values', { source_type: 'SOURCE_RUMOUR' }, 'source_type'],
  ['no source identity for a voluntary decision', { source_type: 'SOURCE_VOLUNTARY', source_identity: 'someone' }, 'source_identity'],
  ['automated detection required', { automated_detection: undefined }, 'automated_detection'],
  ['automated decision values', { automated_decision: 'AUTOMATED_DECISION_SOMEWHAT' }, 'automated_decision'],
  ['puid required', { puid: undefined }, 'puid'],
  ['puid characters', { puid: 'dec 1/2' }, 'puid'],
  ['puid at most 500', { puid: 'x'.repeat(501) }, 'puid'],
  ['no unknown fields', { uploader: 'alice' }, 'uploader'],
];

for (const [rule, change, field] of broken) {
  test(`refused: ${rule}`, () => {
    const statement = Object.fromEntries(Object.entries({ ...valid, ...change }).filter(([, v]) => v !== undefined));
    const errors = validateStatement(statement);
    assert.ok(
      errors.some((e) => e.field === field),
      `expected an error on ${field}, got ${JSON.stringify(errors)}`,
    );
  });
}

test('another kind of restriction stands in for visibility', () => {
  const { decision_visibility: _, ...rest } = valid;
  assert.deepEqual(validateStatement({ ...rest, decision_account: 'DECISION_ACCOUNT_SUSPENDED' }), []);
});
