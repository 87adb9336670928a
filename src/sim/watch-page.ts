/**
 * One person watching one served page, in order, until their patience runs out: their reactions and the
 * events an app would send for them. Shared by the HTTP driver and the in-process evaluation.
 */
import type { WatchEvent } from '../core/types.ts';
import { react, type Reaction } from './behaviour.ts';
import type { SimUser, SimVideo, World } from './world.ts';

export interface Watched {
  video: SimVideo;
  reaction: Reaction;
  position: number;
  ts: number;
}

export interface PageViewer {
  world: World;
  user: SimUser;
  /** Creators the person follows; grows as they follow more. */
  follows: Set<string>;
  sessionId: string;
  random: () => number;
  nextEventId: () => string;
  /** The time at which the person starts the video after `elapsedMs` of watching on this page. */
  timeAt: (elapsedMs: number) => number;
}

/** Time to swipe to the next video. */
const SWIPE_MS = 1000;

/**
 * Watches the page's videos (unknown ones, served from outside the simulated catalog, are skipped);
 * returns what was watched, the events, and the patience left (a disappointing video costs two).
 */
export function watchPage(viewer: PageViewer, page: readonly (SimVideo | undefined)[], patience: number) {
  const watched: Watched[] = [];
  const events: WatchEvent[] = [];
  let elapsedMs = 0;
  for (const [position, video] of page.entries()) {
    if (video === undefined || patience <= 0) continue;
    const reaction = react(viewer.world, viewer.user, video, viewer.follows, viewer.random);
    const ts = viewer.timeAt(elapsedMs);
    const base = { userId: viewer.user.id, videoId: video.id, ts, sessionId: viewer.sessionId, position };
    events.push({ ...base, id: viewer.nextEventId(), type: 'impression' });
    events.push({ ...base, id: viewer.nextEventId(), type: 'play', watchMs: reaction.watchMs });
    for (const action of reaction.actions) events.push({ ...base, id: viewer.nextEventId(), type: action });
    if (reaction.actions.includes('follow')) viewer.follows.add(video.creatorId);
    watched.push({ video, reaction, position, ts });
    elapsedMs += reaction.watchMs + SWIPE_MS;
    patience -= reaction.watchRatio < 0.25 ? 2 : 1;
  }
  return { watched, events, patience, elapsedMs };
}
