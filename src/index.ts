/** moteur as a library: the engine, its HTTP server, and the audit ledger's verifiers. */
export { Moteur, type FeedItem, type FeedOptions, type OpenOptions, type UserExport } from './app/moteur.ts';
export { DEFAULT_CONFIG, type MoteurConfig, type FeedConfig, type LearningConfig } from './app/config.ts';
export { startServer, type RunningServer, type StartOptions } from './server/start.ts';
export { buildServer } from './server/app.ts';
export { MoteurError } from './core/errors.ts';
export type { EventType, ItemOutcome, LoggedEvent, User, UserSettings, Video, WatchEvent } from './core/types.ts';
export type { EventLog, AppendOutcome } from './log/event-log.ts';
export type { Store } from './store/store.ts';
export { Ledger, type LedgerEntry } from './trust/ledger/ledger.ts';
export { verifyConsistency, verifyInclusion, type Verdict } from './trust/ledger/merkle.ts';
export { verifyNote } from './trust/ledger/note.ts';
