import type { ExplorationPool } from '../learn/exploration/exploration-pool.ts';
import type { OnlineLearners } from '../learn/online/learners.ts';
import type { PopularVideos } from '../learn/popular-videos.ts';
import type { PersonGraphScores } from '../learn/retrained/person-graph-scores.ts';

/** What the feed's stages read of the learned state (read through this holder: a snapshot load replaces the learners). */
export interface LearnedModels {
  readonly learners: OnlineLearners;
  readonly exploration: ExplorationPool;
  readonly popular: PopularVideos;
  /** The person's scores over the item graph retrained in the background (undefined before its first training). */
  personGraph(userId: string): PersonGraphScores | undefined;
}
