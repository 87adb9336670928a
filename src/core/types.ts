/** Domain types shared by every layer. Timestamps are epoch milliseconds once validated. */

export const EVENT_TYPES = [
  'impression',
  'play',
  'like',
  'share',
  'comment',
  'follow',
  'skip',
  'not_interested',
  'report',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type VideoStatus = 'active' | 'removed';

export interface Video {
  id: string;
  creatorId: string;
  durationMs: number;
  createdAt: number;
  caption: string;
  hashtags: string[];
  soundId: string;
  language: string;
  region: string;
  status: VideoStatus;
  embedding?: number[];
}

export interface UserSettings {
  personalized: boolean;
  keywordFilters: string[];
}

export interface User {
  id: string;
  region: string;
  language: string;
  createdAt: number;
  settings: UserSettings;
}

export interface WatchEvent {
  /** Client idempotency key: the same id twice is stored once. */
  id: string;
  userId: string;
  videoId: string;
  type: EventType;
  ts: number;
  watchMs?: number;
  sessionId?: string;
  position?: number;
}

/** An event as the log holds it: with its position in the log. */
export interface LoggedEvent extends WatchEvent {
  seq: number;
}

/** What happened to one item of a batch, in input order. `id` is absent when the item had none. */
export type ItemOutcome =
  | { id: string; status: 'stored' }
  | { id: string; status: 'duplicate' }
  /** Valid, but the log could not take it this time: sending it again (or the whole batch) is safe. */
  | { id: string; status: 'failed'; code: string; message: string }
  | { id?: string; status: 'rejected'; code: string; message: string; field?: string };

export const DEFAULT_SETTINGS: UserSettings = { personalized: true, keywordFilters: [] };
