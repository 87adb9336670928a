import type { ExplorationPool } from '../learn/exploration/exploration-pool.ts';
import type { LearnedCandidates } from '../learn/online/candidates.ts';
import type { PersonSignals } from '../learn/online/person-rights.ts';
import type { LearnedScores } from '../learn/online/scores.ts';
import type { PopularVideos } from '../learn/popular-videos.ts';
import type { PersonGraphScores } from '../learn/retrained/person-graph-scores.ts';

/** What the feed's stages read of the learned state (read through this holder: a snapshot load replaces the learners). */
export interface LearnedModels {
  /** The online learners, as far as the feed reads them: candidates, a person's own signals, scores. */
  readonly learners: LearnedCandidates & PersonSignals & LearnedScores;
  readonly exploration: ExplorationPool;
  readonly popular: PopularVideos;
  /** The person's scores over the item graph retrained in the background (undefined before its first training). */
  personGraph(userId: string): PersonGraphScores | undefined;
}
