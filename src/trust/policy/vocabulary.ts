/**
 * The names access policies speak in: roles, actions and the resource each action applies to.
 * policies/schema.cedarschema declares the same names; loading the policies checks the two agree.
 */

export const ROLES = ['app', 'analyst', 'auditor', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Every action, the type of resource it applies to, and what it means. */
export const ACTIONS = {
  ingestEvents: { resource: 'System', summary: 'append watch events (POST /v1/events)' },
  upsertVideos: { resource: 'System', summary: 'add or update catalog videos (POST /v1/videos)' },
  importData: { resource: 'System', summary: 'bulk import of videos, users and events (moteur import)' },
  readMetrics: { resource: 'System', summary: 'aggregates only: Prometheus metrics, counts, health (GET /metrics, GET /health)' },
  changePolicy: { resource: 'System', summary: 'reload or replace the access policies' },
  manageKeys: { resource: 'System', summary: 'create, list or revoke API keys' },
  readCatalog: {
    resource: 'System',
    summary:
      'lists of catalog videos that name no one: trending, newest, several at once (GET /v1/trending, /v1/videos/new, POST /v1/videos/batch-get, GET /api/popular, /api/latest, /api/item/:id/neighbors)',
  },
  listVideos: { resource: 'System', summary: 'page through the whole catalog (GET /v1/videos)' },
  listUsers: { resource: 'System', summary: 'page through the people this node serves, their profiles (GET /v1/users)' },
  readVideo: { resource: 'Video', summary: 'one catalog video, and the videos like it (GET /v1/videos/:id, GET /v1/videos/:id/similar)' },
  removeVideo: { resource: 'Video', summary: 'take a video down (DELETE /v1/videos/:id)' },
  putUser: { resource: 'User', summary: "create or update a person's profile and settings (PUT /v1/users/:id)" },
  changeConsent: { resource: 'User', summary: 'a profile update that turns personalisation on or off (PUT /v1/users/:id with settings.personalized)' },
  readUser: { resource: 'User', summary: "one person's profile (GET /v1/users/:id)" },
  readFeed: { resource: 'User', summary: "a feed personalised from the person's history (GET /v1/users/:id/feed)" },
  readFeedNonPersonalized: { resource: 'User', summary: 'a feed that uses no personal history, for people who opted out' },
  refreshUser: { resource: 'User', summary: 'forget what was learned about a person (POST /v1/users/:id/refresh)' },
  exportUser: { resource: 'User', summary: 'everything stored or learned about a person (GET /v1/users/:id/export)' },
  eraseUser: { resource: 'User', summary: 'erase a person (DELETE /v1/users/:id)' },
  readLedger: { resource: 'Ledger', summary: 'audit ledger checkpoint, entries and proofs (GET /v1/ledger/*)' },
  readModerationQueue: { resource: 'System', summary: 'the moderation queue, riskiest first (GET /v1/moderation/queue)' },
  decideModeration: { resource: 'Video', summary: 'a moderation decision about a video (POST /v1/moderation/decisions)' },
  appealDecision: { resource: 'Video', summary: "a creator's appeal of a decision (POST /v1/moderation/appeals)" },
  readStatement: { resource: 'Video', summary: 'the statement of reasons of a decision (GET /v1/moderation/decisions/:id/statement)' },
} as const satisfies Record<string, { resource: ResourceType; summary: string }>;

export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

export type ResourceType = 'User' | 'Video' | 'Ledger' | 'System';

/** What an access is about. A person's region and consent travel with them: policies decide on both. */
export interface ResourceByType {
  User: { type: 'User'; id: string; region: string; consent: boolean };
  Video: { type: 'Video'; id: string };
  Ledger: { type: 'Ledger'; id: 'main' };
  System: { type: 'System'; id: 'moteur' };
}
export type Resource = ResourceByType[ResourceType];
/** The resource an action accepts, so a request with the wrong kind of resource does not type-check. */
export type ResourceOf<A extends ActionName> = ResourceByType[(typeof ACTIONS)[A]['resource']];

export const LEDGER: ResourceByType['Ledger'] = { type: 'Ledger', id: 'main' };
export const SYSTEM: ResourceByType['System'] = { type: 'System', id: 'moteur' };
