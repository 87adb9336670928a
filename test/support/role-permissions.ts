/** What each role may do, in its own region, for a person who consented, as the policies in `policies/` say; everything else is denied. */
import { ACTION_NAMES, type ActionName, type Role } from '../../src/trust/policy/vocabulary.ts';

export const PERMITTED: Record<Role, readonly ActionName[]> = {
  app: [
    'ingestEvents',
    'upsertVideos',
    'readCatalog',
    'readVideo',
    'putUser',
    'changeConsent',
    'readUser',
    'readFeed',
    'readFeedNonPersonalized',
    'refreshUser',
    'appealDecision',
    'readStatement',
  ],
  analyst: ['readMetrics'],
  auditor: ['readLedger'],
  moderator: ['readModerationQueue', 'decideModeration', 'readStatement', 'readVideo'],
  admin: ACTION_NAMES,
};
