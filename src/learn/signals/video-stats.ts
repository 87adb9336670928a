import type { Video, WatchEvent } from '../../core/types.ts';
import { DecayedSum } from './decayed.ts';
import { engagementValue, watchRatio } from './engagement.ts';

/** What the engine has seen of one video: plain counters for explanations, decayed sums for trending. */
export class VideoCounters {
  served = 0;
  impressions = 0;
  plays = 0;
  watchRatioSum = 0;
  likes = 0;
  shares = 0;
  comments = 0;
  skips = 0;
  readonly engagement = new DecayedSum();
  /** Times served by this engine. */
  readonly exposure = new DecayedSum();
  /** Plays, whoever served the video: the audience when it was watched through other surfaces. */
  readonly views = new DecayedSum();

  meanWatchRatio(): number {
    return this.plays === 0 ? 0 : this.watchRatioSum / this.plays;
  }
}

export interface TrendingOptions {
  halfLifeMs: number;
}

/** Per-video counters, updated from each event and each serving, and the ranking they imply. */
export class VideoStats {
  private readonly byId = new Map<string, VideoCounters>();
  /** Videos with any engagement: only they can trend, so ranking never scans the whole catalog. */
  readonly engaged = new Set<string>();

  constructor(readonly options: TrendingOptions) {}

  get(videoId: string): VideoCounters | undefined {
    return this.byId.get(videoId);
  }

  private counters(videoId: string): VideoCounters {
    let c = this.byId.get(videoId);
    if (c === undefined) {
      c = new VideoCounters();
      this.byId.set(videoId, c);
    }
    return c;
  }

  observe(event: WatchEvent, video: Video): void {
    const c = this.counters(video.id);
    switch (event.type) {
      case 'impression':
        c.impressions++;
        break;
      case 'play':
        c.plays++;
        c.watchRatioSum += watchRatio(event, video);
        c.views.add(1, event.ts, this.options.halfLifeMs);
        break;
      case 'like':
        c.likes++;
        break;
      case 'share':
        c.shares++;
        break;
      case 'comment':
        c.comments++;
        break;
      case 'skip':
        c.skips++;
        break;
      default:
        break;
    }
    const value = engagementValue(event, video);
    if (value !== 0) {
      c.engagement.add(value, event.ts, this.options.halfLifeMs);
      this.engaged.add(video.id);
    }
  }

  recordServed(videoId: string, ts: number): void {
    const c = this.counters(videoId);
    c.served++;
    c.exposure.add(1, ts, this.options.halfLifeMs);
  }

  /**
   * Trending score: recent engagement per recent exposure, smoothed towards a small prior so a video
   * with two plays does not outrank one with two thousand, times the log of its recent audience.
   */
  trendingScore(videoId: string, now: number): number {
    const c = this.byId.get(videoId);
    if (c === undefined) return 0;
    const engagement = Math.max(c.engagement.at(now, this.options.halfLifeMs), 0);
    const audience = Math.max(c.exposure.at(now, this.options.halfLifeMs), c.views.at(now, this.options.halfLifeMs));
    return ((engagement + 1) / (audience + 3)) * Math.log2(2 + audience);
  }

  forget(videoId: string): void {
    this.byId.delete(videoId);
    this.engaged.delete(videoId);
  }
}
