/**
 * The most popular active videos per video region (by the learners' decayed engagement per exposure), recomputed
 * on a timer rather than per request, since it is a pass over every engaged video.
 */
import type { OnlineLearners } from './online/learners.ts';

export interface PopularVideo {
  videoId: string;
  popularity: number;
}

export class PopularVideos {
  private byRegion = new Map<string, PopularVideo[]>();

  constructor(private readonly keep: number) {}

  /** The popular videos that can be served in `region`: its own and those published for every region, best first. */
  in(region: string): PopularVideo[] {
    const local = this.byRegion.get(region) ?? [];
    const everywhere = region === 'global' ? [] : (this.byRegion.get('global') ?? []);
    const out: PopularVideo[] = [];
    for (let i = 0, j = 0; i < local.length || j < everywhere.length; ) {
      out.push(j >= everywhere.length || (i < local.length && local[i]!.popularity >= everywhere[j]!.popularity) ? local[i++]! : everywhere[j++]!);
    }
    return out;
  }

  refresh(learners: OnlineLearners, regionOf: (videoId: string) => string | undefined): void {
    const now = learners.now;
    const byRegion = new Map<string, PopularVideo[]>();
    for (const videoId of learners.engagedVideos()) {
      const region = regionOf(videoId);
      if (region === undefined) continue;
      let list = byRegion.get(region);
      if (list === undefined) byRegion.set(region, (list = []));
      list.push({ videoId, popularity: learners.popularity(videoId, now) });
    }
    for (const [region, list] of byRegion) byRegion.set(region, list.sort((a, b) => b.popularity - a.popularity || (a.videoId < b.videoId ? -1 : 1)).slice(0, this.keep));
    this.byRegion = byRegion;
  }
}
