/**
 * The most popular active videos per video region (by the learners' decayed engagement per exposure), recomputed
 * on a timer rather than per request, since it is a pass over every engaged video.
 */
import { runAll, type Steps } from '../core/slices.ts';
import type { LearnedPopularity } from './online/scores.ts';

/** Videos looked at between two steps of a refresh: a step takes well under a millisecond. */
const VIDEOS_PER_STEP = 256;

export interface PopularVideo {
  videoId: string;
  popularity: number;
}

export class PopularVideos {
  private byRegion = new Map<string, PopularVideo[]>();
  /** `in`'s answer per region, merged once per refresh: every feed asks for it. */
  private servable = new Map<string, readonly PopularVideo[]>();

  constructor(private readonly keep: number) {}

  /** The popular videos that can be served in `region`: its own and those published for every region, best first. */
  in(region: string): readonly PopularVideo[] {
    let merged = this.servable.get(region);
    if (merged === undefined) this.servable.set(region, (merged = this.merged(region)));
    return merged;
  }

  private merged(region: string): PopularVideo[] {
    const local = this.byRegion.get(region) ?? [];
    const everywhere = region === 'global' ? [] : (this.byRegion.get('global') ?? []);
    const out: PopularVideo[] = [];
    for (let i = 0, j = 0; i < local.length || j < everywhere.length; ) {
      out.push(j >= everywhere.length || (i < local.length && local[i]!.popularity >= everywhere[j]!.popularity) ? local[i++]! : everywhere[j++]!);
    }
    return out;
  }

  /**
   * One pass over the engaged videos keeping the best `keep` per region. A region's list is cut back to `keep`
   * whenever it reaches twice that, and a video less popular than the last one kept is not even listed, so a
   * catalog of a million engaged videos costs a pass, not a sort of a million.
   */
  refresh(learners: LearnedPopularity, regionOf: (videoId: string) => string | undefined): void {
    runAll(this.refreshing(learners, regionOf));
  }

  /**
   * The same pass as a job of small steps (src/core/slices.ts), so a timer can spread it over turns of the event
   * loop: at 100k engaged videos the pass took 140–170 ms, which every request arriving meanwhile waited for.
   * The lists in use change only at its end.
   */
  *refreshing(learners: LearnedPopularity, regionOf: (videoId: string) => string | undefined): Steps {
    const now = learners.now;
    const byRegion = new Map<string, { list: PopularVideo[]; floor: number }>();
    let looked = 0;
    for (const videoId of learners.engagedVideos()) {
      if (++looked % VIDEOS_PER_STEP === 0) yield;
      const region = regionOf(videoId);
      if (region === undefined) continue;
      let kept = byRegion.get(region);
      if (kept === undefined) byRegion.set(region, (kept = { list: [], floor: -Infinity }));
      const popularity = learners.popularity(videoId, now);
      if (popularity < kept.floor) continue;
      kept.list.push({ videoId, popularity });
      if (kept.list.length >= 2 * this.keep) {
        kept.list = best(kept.list, this.keep);
        kept.floor = kept.list[kept.list.length - 1]!.popularity;
      }
    }
    this.byRegion = new Map([...byRegion].map(([region, kept]) => [region, best(kept.list, this.keep)]));
    this.servable = new Map();
  }
}

/** The `keep` most popular, best first; ties by id, so the lists do not depend on the order videos were seen. */
function best(list: PopularVideo[], keep: number): PopularVideo[] {
  return list.sort((a, b) => b.popularity - a.popularity || (a.videoId < b.videoId ? -1 : 1)).slice(0, keep);
}
