/**
 * How Gorse's data model (v0.4: items, users, feedback) maps onto moteur's (videos, users, watch events). Gorse
 * items have no creator, duration or sound, so they get the configured defaults; their labels and categories
 * both become hashtags; each feedback type becomes one event type.
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { invalid } from '../core/errors.ts';
import { EVENT_TYPES, type EventType, type Video } from '../core/types.ts';
import type { EventInput, VideoInput } from '../core/schemas.ts';
import { parseTimestamp } from '../core/validate.ts';

export interface FeedbackMapping {
  /** The event recorded for this Gorse feedback type. */
  event: EventType;
  /** For `play`: the event says the video was watched through (watchMs = its duration), as Gorse's read means. */
  fullWatch?: boolean;
}

export interface GorseMapping {
  /**
   * The creator of videos made from Gorse items, which name none. `null` (the default): each item is its own
   * creator, since the feed never shows two videos of one creator in a row, and one creator for every item
   * would leave a single item per page.
   */
  defaultCreatorId: string | null;
  /** The duration of videos made from Gorse items, in milliseconds (Gorse items have none). */
  defaultDurationMs: number;
  /** Gorse feedback type → moteur event type; any other feedback type is refused, naming these. */
  feedbackTypes: Record<string, FeedbackMapping>;
}

export const DEFAULT_GORSE_MAPPING: GorseMapping = {
  defaultCreatorId: null,
  defaultDurationMs: 15_000,
  feedbackTypes: {
    star: { event: 'like' },
    like: { event: 'like' },
    favorite: { event: 'like' },
    read: { event: 'play', fullWatch: true },
    share: { event: 'share' },
    comment: { event: 'comment' },
  },
};

const Labels = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 });
const GorseTime = Type.Union([Type.String({ maxLength: 64 }), Type.Number()]);

export const GorseItem = Type.Object(
  {
    ItemId: Type.String({ minLength: 1, maxLength: 128 }),
    IsHidden: Type.Optional(Type.Boolean()),
    Categories: Type.Optional(Type.Union([Labels, Type.Null()])),
    Labels: Type.Optional(Type.Union([Labels, Type.Null()])),
    Timestamp: Type.Optional(GorseTime),
    Comment: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type GorseItem = Static<typeof GorseItem>;

/** A patch may repeat the item's id (gorsejs sends a whole item), but not change it. */
export const GorseItemPatch = Type.Partial(GorseItem, { additionalProperties: false });
export type GorseItemPatch = Static<typeof GorseItemPatch>;

/** Gorse users carry labels, subscriptions and a comment; moteur learns a person from their events and keeps none of these. */
export const GorseUser = Type.Object(
  {
    UserId: Type.String({ minLength: 1, maxLength: 128 }),
    Labels: Type.Optional(Type.Union([Labels, Type.Null()])),
    Subscribe: Type.Optional(Type.Union([Labels, Type.Null()])),
    Comment: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type GorseUser = Static<typeof GorseUser>;

export const GorseFeedback = Type.Object(
  {
    FeedbackType: Type.String({ minLength: 1, maxLength: 64 }),
    UserId: Type.String({ minLength: 1, maxLength: 128 }),
    ItemId: Type.String({ minLength: 1, maxLength: 128 }),
    Timestamp: Type.Optional(GorseTime),
    Comment: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type GorseFeedback = Static<typeof GorseFeedback>;

/** Gorse's own time format is free; moteur takes ISO 8601 or epoch milliseconds, and an absent or empty time is now. */
function timeOf(value: string | number | undefined, field: string, now: number): number {
  return value === undefined || value === '' ? now : parseTimestamp(value, field);
}

/** The hashtag a Gorse label or category stands for. */
export const hashtagOf = (category: string): string => category.replace(/^#/, '').toLowerCase();

/**
 * The video a Gorse item describes. An item already in the catalog keeps what Gorse cannot say (creator,
 * duration, sound, region, language, content embedding); a new one gets the configured creator and duration.
 */
export function videoFromItem(item: GorseItem, existing: Video | undefined, mapping: GorseMapping, now = Date.now()): VideoInput {
  const hashtags = [...new Set([...(item.Labels ?? []), ...(item.Categories ?? [])].map(hashtagOf))];
  const video: VideoInput = {
    id: item.ItemId,
    creatorId: existing?.creatorId ?? mapping.defaultCreatorId ?? item.ItemId,
    durationMs: existing?.durationMs ?? mapping.defaultDurationMs,
    createdAt: timeOf(item.Timestamp, 'Timestamp', existing?.createdAt ?? now),
    caption: item.Comment ?? existing?.caption ?? '',
    hashtags,
    status: item.IsHidden === true ? 'removed' : 'active',
  };
  if (existing !== undefined) {
    video.soundId = existing.soundId;
    video.region = existing.region;
    video.language = existing.language;
    if (existing.embedding !== undefined) video.embedding = existing.embedding;
  }
  return video;
}

/** A catalog video as a Gorse item: its hashtags are both its labels and its categories, a removed video is hidden. */
export function itemFromVideo(video: Video): Required<GorseItem> & { Categories: string[]; Labels: string[] } {
  return {
    ItemId: video.id,
    IsHidden: video.status === 'removed',
    Categories: video.hashtags,
    Timestamp: new Date(video.createdAt).toISOString(),
    Labels: video.hashtags,
    Comment: video.caption,
  };
}

/** A Gorse item patch applied to the item a video reads as. */
export function patchedItem(video: Video, patch: GorseItemPatch): GorseItem {
  if (patch.ItemId !== undefined && patch.ItemId !== video.id)
    throw invalid('ItemId', `'${patch.ItemId}' is not the item patched ('${video.id}'); an item's id cannot change`);
  return { ...itemFromVideo(video), ...patch };
}

/**
 * The watch event a Gorse feedback records. Its id is derived from Gorse's feedback key (type, user, item), so
 * inserting the same feedback again is a duplicate, as in Gorse; `overwrite` (Gorse's PUT) adds the time to
 * the key, so feedback given again at another time is recorded again (events are never rewritten).
 */
export function eventFromFeedback(feedback: GorseFeedback, durationMs: number, mapping: GorseMapping, overwrite: boolean, now = Date.now()): EventInput {
  const mapped = mapping.feedbackTypes[feedback.FeedbackType];
  if (mapped === undefined) {
    const known = Object.keys(mapping.feedbackTypes).join(', ');
    throw invalid(
      'FeedbackType',
      `'${feedback.FeedbackType}' is not a mapped feedback type (mapped: ${known}; add it to gorse.feedbackTypes in the configuration)`,
    );
  }
  const ts = timeOf(feedback.Timestamp, 'Timestamp', now);
  const key = [feedback.FeedbackType, feedback.UserId, feedback.ItemId, ...(overwrite ? [String(ts)] : [])].join('\u0000');
  const event: EventInput = {
    id: `gorse-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`,
    userId: feedback.UserId,
    videoId: feedback.ItemId,
    type: mapped.event,
    ts,
  };
  if (mapped.event === 'play') event.watchMs = mapped.fullWatch === true ? durationMs : 0;
  return event;
}

/** Checks a configured mapping, naming the key at fault. */
export function checkGorseMapping(mapping: GorseMapping): void {
  for (const [type, { event }] of Object.entries(mapping.feedbackTypes)) {
    if (!(EVENT_TYPES as readonly string[]).includes(event)) {
      throw invalid(`gorse.feedbackTypes.${type}.event`, `'${event}' is not an event type (allowed: ${EVENT_TYPES.join(', ')})`);
    }
  }
  if (!Number.isInteger(mapping.defaultDurationMs) || mapping.defaultDurationMs < 1) {
    throw invalid('gorse.defaultDurationMs', 'must be a whole number of milliseconds, at least 1');
  }
}
