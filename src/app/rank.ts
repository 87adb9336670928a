/**
 * Ranking a caller's own candidates (`Moteur.rank`): the candidates, as a pipeline source would propose them,
 * and the answer's items, each with the reasons behind its score.
 */
import type { Catalog } from '../feed/catalog.ts';
import type { Candidate } from '../feed/pipeline.ts';

export interface RankedItem {
  videoId: string;
  score: number;
  reasons: string[];
}

export interface RankRejection {
  videoId: string;
  code: 'unknown_video' | 'video_removed';
  message: string;
}

export interface Ranking {
  userId: string;
  /** Best first. */
  items: RankedItem[];
  rejected: RankRejection[];
}

/** One candidate per video given (the first time it is given); unknown and removed videos are rejected with the reason. */
export function rankCandidates(catalog: Catalog, videoIds: readonly string[]): { candidates: Candidate[]; rejected: RankRejection[] } {
  const candidates: Candidate[] = [];
  const rejected: RankRejection[] = [];
  for (const videoId of new Set(videoIds)) {
    const video = catalog.get(videoId);
    if (video === undefined) rejected.push({ videoId, code: 'unknown_video', message: `video '${videoId}' does not exist` });
    else if (video.status === 'removed') rejected.push({ videoId, code: 'video_removed', message: `video '${videoId}' was removed: it is never served` });
    else candidates.push({ video, source: 'rank', score: 0, reasons: [], signals: {} });
  }
  return { candidates, rejected };
}

/** What the ranker's features mean, for a person reading the reasons. */
const SIGNALS: Record<string, string> = {
  embeddingMatch: 'close to your taste',
  creatorAffinity: 'a creator you engage with',
  hashtagAffinity: 'hashtags you engage with',
  soundAffinity: 'a sound you engage with',
  coEngagement: 'enjoyed by people who enjoy what you do',
  popularity: 'how much it is played',
  playRate: 'how often it is played when shown',
  likeRate: 'how often it is liked',
  shareRate: 'how often it is shared',
  commentRate: 'how often it is commented on',
  followRate: 'how often it wins its creator followers',
  skipRate: 'how often it is skipped',
  videoRelativeWatch: 'how much of it people watch',
  freshness: 'how new it is',
  followsCreator: 'you follow its creator',
};

/** The item for a scored candidate: its score rounded as the feed's, and what drove it (the scorer's explanation, when it gave one). */
export function rankedItem(candidate: Candidate, scorer: string): RankedItem {
  const reasons: string[] = [];
  const { predictions = {}, topSignals = [] } = candidate.explanation ?? {};
  const predicted = ['watch', 'like'].filter((task) => predictions[task] !== undefined).map((task) => `${task} ${predictions[task]!.toFixed(2)}`);
  if (predicted.length > 0) reasons.push(`predicted ${predicted.join(', ')}`);
  const top = topSignals[0];
  if (top !== undefined) {
    const what = SIGNALS[top.signal] ?? (top.signal.startsWith('duration') ? 'its length' : top.signal);
    const by = `${top.contribution >= 0 ? '+' : ''}${top.contribution.toFixed(2)}`;
    reasons.push(`${top.contribution >= 0 ? 'raised' : 'lowered'} most by ${what} (${top.signal} ${by})`);
  }
  if (reasons.length === 0) reasons.push(`scored ${candidate.score.toFixed(3)} by the ${scorer} scorer`);
  return { videoId: candidate.video.id, score: Number(candidate.score.toFixed(6)), reasons };
}
