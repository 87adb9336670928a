import type { LearnedModels } from '../models.ts';
import type { Candidate, FeedRequest, Scorer } from '../pipeline.ts';

/**
 * Scores every candidate with the multi-task ranker: the configured weighted sum of its predictions (relative
 * watch, like, share, comment, follow, skip). An unpersonalised feed is scored as for an anonymous visitor, so
 * no personal feature is read.
 */
export class MultiTaskScorer implements Scorer {
  readonly name = 'multi-task';

  constructor(private readonly models: LearnedModels) {}

  score(request: FeedRequest, candidates: Candidate[]): void {
    const scores = this.models.learners.score(this.person(request), candidates.map((c) => c.video.id));
    candidates.forEach((c, i) => (c.score = scores[i] ?? 0));
  }

  explain(request: FeedRequest, candidates: Candidate[]): void {
    for (const c of candidates) {
      const e = this.models.learners.explain(this.person(request), c.video.id);
      if (e !== undefined) c.explanation = { predictions: e.predictions, weights: e.weights, topSignals: e.signals };
    }
  }

  private person(request: FeedRequest): string | undefined {
    return request.personalized ? request.user.id : undefined;
  }
}
