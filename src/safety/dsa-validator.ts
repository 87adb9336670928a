/**
 * Checks a statement of reasons against every rule of the DSA Transparency Database's format, as
 * docs/safety.md lists them: required and conditional fields, enumerations, lengths, dates, the puid's
 * characters, and no field outside the format. Returns what is wrong, field by field (empty when valid).
 */

export interface StatementError {
  field: string;
  message: string;
}

const VISIBILITY = [
  'CONTENT_REMOVED',
  'CONTENT_DISABLED',
  'CONTENT_DEMOTED',
  'CONTENT_AGE_RESTRICTED',
  'CONTENT_INTERACTION_RESTRICTED',
  'CONTENT_LABELLED',
  'OTHER',
].map((v) => `DECISION_VISIBILITY_${v}`);
const MONETARY = ['SUSPENSION', 'TERMINATION', 'OTHER'].map((v) => `DECISION_MONETARY_${v}`);
const PROVISION = ['PARTIAL_SUSPENSION', 'TOTAL_SUSPENSION', 'PARTIAL_TERMINATION', 'TOTAL_TERMINATION'].map((v) => `DECISION_PROVISION_${v}`);
const ACCOUNT = ['DECISION_ACCOUNT_SUSPENDED', 'DECISION_ACCOUNT_TERMINATED'];
const ACCOUNT_TYPE = ['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE'];
const GROUNDS = ['DECISION_GROUND_ILLEGAL_CONTENT', 'DECISION_GROUND_INCOMPATIBLE_CONTENT'];
const CONTENT_TYPES = ['VIDEO', 'AUDIO', 'IMAGE', 'TEXT', 'SYNTHETIC_MEDIA', 'PRODUCT', 'APP', 'OTHER'].map((v) => `CONTENT_TYPE_${v}`);
export const STATEMENT_CATEGORIES = [
  'ANIMAL_WELFARE',
  'CONSUMER_INFORMATION',
  'CYBER_VIOLENCE',
  'CYBER_VIOLENCE_AGAINST_WOMEN',
  'DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'ILLEGAL_OR_HARMFUL_SPEECH',
  'INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'NOT_SPECIFIED_NOTICE',
  'OTHER_VIOLATION_TC',
  'PROTECTION_OF_MINORS',
  'RISK_FOR_PUBLIC_SECURITY',
  'SCAMS_AND_FRAUD',
  'SELF_HARM',
  'UNSAFE_AND_PROHIBITED_PRODUCTS',
  'VIOLENCE',
].map((v) => `STATEMENT_CATEGORY_${v}`);
const SOURCES = ['SOURCE_ARTICLE_16', 'SOURCE_TRUSTED_FLAGGER', 'SOURCE_TYPE_OTHER_NOTIFICATION', 'SOURCE_VOLUNTARY'];
const AUTOMATED_DECISION = ['AUTOMATED_DECISION_FULLY', 'AUTOMATED_DECISION_PARTIALLY', 'AUTOMATED_DECISION_NOT_AUTOMATED'];
const YES_NO = ['Yes', 'No'];
const EU_EEA = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' ');
const END_DATES = ['end_date_visibility_restriction', 'end_date_account_restriction', 'end_date_monetary_restriction', 'end_date_service_restriction'];

const FIELDS = new Set([
  'decision_visibility',
  'decision_visibility_other',
  'decision_monetary',
  'decision_monetary_other',
  'decision_provision',
  'decision_account',
  'account_type',
  'decision_ground',
  'illegal_content_legal_ground',
  'illegal_content_explanation',
  'incompatible_content_ground',
  'incompatible_content_explanation',
  'incompatible_content_illegal',
  'content_type',
  'content_type_other',
  'category',
  'category_addition',
  'category_specification',
  'category_specification_other',
  'territorial_scope',
  'content_language',
  'content_date',
  'application_date',
  ...END_DATES,
  'decision_facts',
  'source_type',
  'source_identity',
  'automated_detection',
  'automated_decision',
  'puid',
]);

/** Every rule broken by `statement`; an empty list means it is valid. */
export function validateStatement(statement: Record<string, unknown>): StatementError[] {
  const errors: StatementError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const has = (field: string) => statement[field] !== undefined && statement[field] !== null;
  const text = (field: string, max: number, required: boolean) => {
    const value = statement[field];
    if (value === undefined || value === null) {
      if (required) fail(field, 'is required');
    } else if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
    else if (value.length > max) fail(field, `must be at most ${max} characters`);
  };
  const oneOf = (field: string, allowed: readonly string[], required: boolean) => {
    const value = statement[field];
    if (value === undefined || value === null) {
      if (required) fail(field, 'is required');
    } else if (typeof value !== 'string' || !allowed.includes(value)) fail(field, `must be one of ${allowed.join(', ')}`);
  };
  const listOf = (field: string, allowed: readonly string[], required: boolean) => {
    const value = statement[field];
    if (value === undefined || value === null) {
      if (required) fail(field, 'is required');
    } else if (!Array.isArray(value) || value.length === 0) fail(field, 'must be a non-empty array');
    else if (new Set(value).size !== value.length) fail(field, 'must not repeat a value');
    else for (const v of value) if (typeof v !== 'string' || !allowed.includes(v)) fail(field, `holds ${JSON.stringify(v)}, not one of ${allowed.join(', ')}`);
  };
  const absent = (field: string, why: string) => {
    if (has(field)) fail(field, `must be absent ${why}`);
  };
  const date = (field: string, from: string, to: string, required: boolean) => {
    const value = statement[field];
    if (value === undefined || value === null) {
      if (required) fail(field, 'is required');
      return;
    }
    const valid = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
    if (!valid) fail(field, 'must be a date YYYY-MM-DD');
    else if (value < from || value > to) fail(field, `must be from ${from} to ${to}`);
  };
  const contains = (field: string, value: string) => Array.isArray(statement[field]) && (statement[field] as unknown[]).includes(value);

  for (const field of Object.keys(statement)) if (!FIELDS.has(field)) fail(field, 'is not a field of the format');

  // Restrictions: visibility unless another kind of decision is given.
  const otherDecision = has('decision_monetary') || has('decision_provision') || has('decision_account');
  listOf('decision_visibility', VISIBILITY, !otherDecision);
  if (contains('decision_visibility', 'DECISION_VISIBILITY_OTHER')) text('decision_visibility_other', 500, true);
  else absent('decision_visibility_other', 'unless decision_visibility holds DECISION_VISIBILITY_OTHER');
  oneOf('decision_monetary', MONETARY, false);
  if (statement.decision_monetary === 'DECISION_MONETARY_OTHER') text('decision_monetary_other', 500, true);
  else absent('decision_monetary_other', 'unless decision_monetary is DECISION_MONETARY_OTHER');
  oneOf('decision_provision', PROVISION, false);
  oneOf('decision_account', ACCOUNT, false);
  oneOf('account_type', ACCOUNT_TYPE, false);

  // Ground, and the fields each ground requires or forbids.
  oneOf('decision_ground', GROUNDS, true);
  const illegal = statement.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT';
  const incompatible = statement.decision_ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT';
  if (illegal) {
    text('illegal_content_legal_ground', 500, true);
    text('illegal_content_explanation', 2000, true);
  } else {
    absent('illegal_content_legal_ground', 'unless the ground is illegal content');
    absent('illegal_content_explanation', 'unless the ground is illegal content');
  }
  if (incompatible) {
    text('incompatible_content_ground', 500, true);
    text('incompatible_content_explanation', 2000, true);
    oneOf('incompatible_content_illegal', YES_NO, false);
  } else {
    for (const field of ['incompatible_content_ground', 'incompatible_content_explanation', 'incompatible_content_illegal'])
      absent(field, 'unless the ground is incompatible content');
  }

  listOf('content_type', CONTENT_TYPES, true);
  if (contains('content_type', 'CONTENT_TYPE_OTHER')) text('content_type_other', 500, true);
  else absent('content_type_other', 'unless content_type holds CONTENT_TYPE_OTHER');

  oneOf('category', STATEMENT_CATEGORIES, true);
  listOf('category_addition', STATEMENT_CATEGORIES, false);
  const specification = statement.category_specification;
  if (has('category_specification')) {
    if (!Array.isArray(specification) || specification.length === 0) fail('category_specification', 'must be a non-empty array');
    else
      for (const v of specification)
        if (typeof v !== 'string' || !/^KEYWORD_[A-Z0-9_]+$/.test(v)) fail('category_specification', `holds ${JSON.stringify(v)}, not a KEYWORD_* value`);
  }
  if (contains('category_specification', 'KEYWORD_OTHER')) text('category_specification_other', 500, true);
  else absent('category_specification_other', 'unless category_specification holds KEYWORD_OTHER');

  listOf('territorial_scope', EU_EEA, false);
  if (has('content_language') && !(typeof statement.content_language === 'string' && /^[A-Z]{2}$/.test(statement.content_language))) {
    fail('content_language', 'must be an ISO 639-1 code in upper case');
  }
  date('content_date', '2000-01-01', '2038-01-01', true);
  date('application_date', '2020-01-01', '2038-01-01', true);
  for (const field of END_DATES) date(field, '0000-01-01', '9999-12-31', false);

  text('decision_facts', 5000, true);
  oneOf('source_type', SOURCES, true);
  if (statement.source_type === 'SOURCE_VOLUNTARY') absent('source_identity', 'when the source is SOURCE_VOLUNTARY');
  else text('source_identity', 500, false);
  oneOf('automated_detection', YES_NO, true);
  oneOf('automated_decision', AUTOMATED_DECISION, true);
  text('puid', 500, true);
  if (typeof statement.puid === 'string' && !/^[a-zA-Z0-9_-]+$/.test(statement.puid)) fail('puid', 'may hold only letters, digits, - and _');
  return errors;
}
