/**
 * Every code a refusal `{code, message, field}` can carry, with its HTTP status and what it tells the caller
 * (the CLI prints the same refusals as one line). Throw sites name a code and say what to do in the message;
 * the status lives here only. docs/api.md lists this table, and a test keeps the two the same.
 */
export interface ErrorCodeEntry {
  readonly status: number;
  /** One line for the caller: what went wrong, in general (the message says what exactly). */
  readonly meaning: string;
}

export const ERROR_CODES = {
  // A request that cannot be used as sent.
  invalid_field: { status: 400, meaning: 'a field is missing, of the wrong type or out of range; `field` names it, the message starts with it' },
  invalid_json: { status: 400, meaning: 'the body is not valid JSON' },
  invalid_body: { status: 400, meaning: 'the body is not what the route takes (not an array, or its length is not the Content-Length)' },
  invalid_url: { status: 400, meaning: 'the path is not valid percent-encoded UTF-8, or a path parameter is too long' },
  bad_request: { status: 400, meaning: 'any other mistake in the request; the status is the one HTTP gives it' },
  batch_too_large: { status: 413, meaning: 'a batch holds more items than a request may' },
  body_too_large: { status: 413, meaning: 'the body is over the byte limit' },
  unsupported_media_type: { status: 415, meaning: 'the body is not sent as application/json' },
  not_found: { status: 404, meaning: 'no such route, or no such video, person, decision or key' },
  unknown_video: { status: 404, meaning: 'an event names a video the catalogue does not have' },
  not_supported: { status: 501, meaning: 'a route of the Gorse-compatible API moteur does not offer' },
  // Who may do what, and where.
  unauthenticated: { status: 401, meaning: 'no API key, or an unknown or revoked one' },
  forbidden: { status: 403, meaning: "the key's role may not do this (the policies in force decide)" },
  wrong_region: { status: 403, meaning: "the person's data lives in a region this node does not serve" },
  region_change: { status: 409, meaning: "a person's region cannot be changed in place (export, erase, create again)" },
  // Moderation and statements of reasons.
  not_appealable: { status: 409, meaning: 'the decision restores the video or is no longer in force' },
  appeal_open: { status: 409, meaning: 'an appeal of the video is already waiting for a moderator' },
  same_moderator: { status: 409, meaning: 'an appeal must be decided by another moderator than the one who decided first' },
  no_statement: { status: 404, meaning: 'the decision restricts nothing, so it has no statement of reasons' },
  invalid_statement: { status: 500, meaning: 'a statement of reasons would not pass the DSA transparency database checks' },
  // Parts the engine needs, unavailable or unusable.
  log_unavailable: { status: 503, meaning: 'the event log does not answer; resend (what was stored is reported a duplicate)' },
  audit_unavailable: { status: 503, meaning: 'the audit ledger cannot be written, so accesses are refused until it can' },
  server_unreachable: { status: 503, meaning: 'the moteur server a command talks to does not answer' },
  internal: { status: 500, meaning: 'a bug: the server logs the stack' },
  policy_invalid: { status: 500, meaning: 'the access policies do not parse or validate (422 when an admin sends them)' },
  keys_invalid: { status: 500, meaning: 'the API keys file is malformed (422 when an admin sends keys)' },
  ledger_corrupt: { status: 500, meaning: 'the audit ledger has lost a node it needs' },
  ledger_key_mismatch: { status: 500, meaning: "the ledger is signed with another key or salt than this node's" },
  master_key_missing: { status: 500, meaning: 'no master key where the node looks for it' },
  master_key_invalid: { status: 500, meaning: 'the master key file does not hold a key' },
  master_key_exposed: { status: 500, meaning: 'the master key file is readable by others' },
  master_key_mismatch: { status: 500, meaning: "the master key is not the cluster's" },
  master_key_exists: { status: 400, meaning: 'a master key is never replaced' },
  secret_exposed: { status: 500, meaning: 'a secret file is readable by others' },
  snapshot_missing: { status: 500, meaning: 'the model snapshot cannot be read' },
  snapshot_corrupt: { status: 500, meaning: 'the model snapshot does not decode' },
  snapshot_not_finite: { status: 500, meaning: 'the model snapshot holds non-finite numbers' },
  snapshot_regions: { status: 500, meaning: "a region's part of the snapshot is missing or from another layout" },
  snapshot_stale: { status: 409, meaning: 'the model snapshot was made with another configuration: rebuild it' },
  unsupported_platform: { status: 500, meaning: 'snapshots need a little-endian machine' },
  data_format: { status: 500, meaning: 'the data directory was written by an earlier version in a form this one does not read' },
  data_dir_in_use: { status: 409, meaning: 'another process holds the data directory' },
  data_dir_unwritable: { status: 500, meaning: 'the data directory cannot be written by this user' },
  port_in_use: { status: 409, meaning: 'the port is taken' },
  // Commands (`moteur ...`): options, files and clusters.
  invalid_option: { status: 400, meaning: 'a command-line option cannot be used; the message names it' },
  invalid_config: { status: 400, meaning: 'the configuration file holds a value that cannot be used' },
  config_unreadable: { status: 400, meaning: 'the configuration file cannot be read' },
  unknown_experiment: { status: 400, meaning: 'the configuration has no experiment of that name' },
  nothing_to_import: { status: 400, meaning: 'an import was given no file' },
  all_rejected: { status: 400, meaning: 'every row of an import was rejected' },
  unknown_format: { status: 400, meaning: 'a file is neither .csv nor .jsonl' },
  file_missing: { status: 400, meaning: 'a file given does not exist' },
  file_unreadable: { status: 400, meaning: 'a path given is not a readable file' },
  unreadable: { status: 400, meaning: 'a file given cannot be read' },
  not_empty: { status: 400, meaning: 'the directory to create already holds files' },
  no_data: { status: 400, meaning: 'the data directory given does not exist' },
  no_data_dir: { status: 400, meaning: 'the directory given holds no engine data' },
  data_file_missing: { status: 404, meaning: 'an evaluation data file is missing' },
  data_file_malformed: { status: 400, meaning: 'an evaluation data file does not parse' },
  too_few_people: { status: 400, meaning: 'too few people for an A/B comparison' },
  report_not_written: { status: 400, meaning: 'a report cannot be written where asked' },
  no_cluster: { status: 404, meaning: 'no cluster where the command looked' },
  cluster_start: { status: 500, meaning: 'a node of a local cluster did not get ready' },
  cluster_stop: { status: 500, meaning: "a local cluster's supervisor did not stop" },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The catalogue as docs/api.md shows it, between two markers (`npm run docs:errors` writes it there). */
export const errorCodeSection = {
  start: '<!-- error codes: written by npm run docs:errors from src/core/error-codes.ts -->',
  end: '<!-- end of error codes -->',
  table(): string {
    const rows = Object.entries(ERROR_CODES).map(([code, { status, meaning }]) => `| \`${code}\` | ${status} | ${meaning} |`);
    return ['| code | status | meaning |', '|---|---|---|', ...rows].join('\n');
  },
  /** `doc` with the table between the markers replaced by the current one; undefined if the markers are missing. */
  replaceIn(doc: string): string | undefined {
    const from = doc.indexOf(this.start);
    const to = doc.indexOf(this.end);
    if (from < 0 || to < from) return undefined;
    return `${doc.slice(0, from + this.start.length)}\n${this.table()}\n${doc.slice(to)}`;
  },
};
