/**
 * Sensitive-topic dispersal: never two videos of the same sensitive topic within any `window` consecutive items
 * of a person's feed, across pages, and at most `dailyShare` of a day's items with a sensitive topic. The
 * re-ranker asks `blocks` for each candidate; what was served is recorded with `served`.
 */
import type { SafetyConfig } from './config.ts';

const DAY_MS = 86_400_000;

interface History {
  /** Topics of the person's last `window - 1` items, oldest first (an empty list for an item with none). */
  recent: (readonly string[])[];
  day: number;
  served: number;
  sensitive: number;
}

export class TopicDispersal {
  private readonly people = new Map<string, History>();

  constructor(
    private readonly config: SafetyConfig['dispersal'],
    private readonly topicsOf: (videoId: string) => readonly string[] | undefined,
  ) {}

  /**
   * Why the video may not come next after `page` (the items already placed on the page being built), or
   * undefined when it may: the topic it would repeat within the window, or the day's share being used up.
   */
  blocks(userId: string, now: number, page: readonly string[], videoId: string): string | undefined {
    const topics = this.topicsOf(videoId);
    if (topics === undefined) return undefined;
    const history = this.historyOn(userId, now);
    const window = this.config.window - 1;
    const placed = page.slice(-window).map((id) => this.topicsOf(id) ?? []);
    const recent = [...(history?.recent ?? []), ...placed].slice(-window);
    for (const earlier of recent) {
      const shared = topics.find((t) => earlier.includes(t));
      if (shared !== undefined) return `sensitive topic "${shared}" already within the last ${this.config.window} items`;
    }
    const sensitiveOnPage = placed.filter((t) => t.length > 0).length;
    const served = (history?.served ?? 0) + page.length;
    const sensitive = (history?.sensitive ?? 0) + sensitiveOnPage;
    if (sensitive + 1 > this.config.dailyShare * Math.max(served + 1, this.config.window)) {
      return `daily share of sensitive topics (${(this.config.dailyShare * 100).toFixed(0)} %) reached`;
    }
    return undefined;
  }

  /** Records a served page, in order. */
  served(userId: string, now: number, videoIds: readonly string[]): void {
    const day = Math.floor(now / DAY_MS);
    let history = this.people.get(userId);
    // Someone never served a sensitive video has nothing to spread out: no history is kept for them (most people, at no cost).
    if (history === undefined && videoIds.every((id) => this.topicsOf(id) === undefined)) return;
    if (history === undefined || history.day !== day) {
      history = { recent: history?.recent ?? [], day, served: 0, sensitive: 0 };
      this.people.set(userId, history);
    }
    for (const id of videoIds) {
      const topics = this.topicsOf(id) ?? [];
      history.recent.push(topics);
      history.served++;
      if (topics.length > 0) history.sensitive++;
    }
    history.recent.splice(0, Math.max(0, history.recent.length - (this.config.window - 1)));
  }

  private historyOn(userId: string, now: number): History | undefined {
    const history = this.people.get(userId);
    if (history === undefined || history.day === Math.floor(now / DAY_MS)) return history;
    // A new day: the share starts over, the window still spans the days.
    return { recent: history.recent, day: Math.floor(now / DAY_MS), served: 0, sensitive: 0 };
  }

  forgetUser(userId: string): void {
    this.people.delete(userId);
  }
}
