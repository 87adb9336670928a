import type { Video, WatchEvent } from '../../core/types.ts';

/** Watch ratio of a play, capped so that replays of very short videos do not dominate. */
export function watchRatio(event: WatchEvent, video: Video): number {
  return Math.min((event.watchMs ?? 0) / video.durationMs, 2);
}

/** How much one event says a video is worth watching; negative for rejections. */
export function engagementValue(event: WatchEvent, video: Video): number {
  switch (event.type) {
    case 'play':
      return watchRatio(event, video);
    case 'like':
      return 1;
    case 'share':
      return 2;
    case 'comment':
      return 1;
    case 'follow':
      return 1;
    case 'skip':
      return -0.3;
    case 'not_interested':
      return -1;
    case 'report':
      return -2;
    case 'impression':
      return 0;
  }
}

/**
 * How much one event says about the person's taste, positive or negative: a play counts for how far
 * past a third of the video it went, and an explicit rejection weighs more than any single like.
 */
export function preferenceValue(event: WatchEvent, video: Video): number {
  switch (event.type) {
    case 'play':
      return Math.min(watchRatio(event, video), 1.5) - 0.35;
    case 'like':
      return 1;
    case 'share':
      return 1.5;
    case 'comment':
      return 0.8;
    case 'follow':
      return 1.5;
    case 'skip':
      return -0.5;
    case 'not_interested':
    case 'report':
      return -3;
    case 'impression':
      return 0;
  }
}
