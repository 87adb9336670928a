import type { Task } from '../../learn/online/config.ts';
import type { LearnedModels } from '../models.ts';
import type { Candidate, FeedRequest, Scorer } from '../pipeline.ts';

/**
 * Scores every candidate with the multi-task ranker (the configured weighted sum of its predictions: relative
 * watch, like, share, comment, follow, skip) plus `graphWeight` times the item graph's score for the person, which
 * carries what everyone's engagements say about them (not for candidates the caller gave: `rank`). An
 * unpersonalised feed is scored as for an anonymous visitor, so no personal feature is read.
 */
export class MultiTaskScorer implements Scorer {
  readonly name = 'multi-task';

  constructor(
    private readonly models: LearnedModels,
    private readonly graphWeight: number,
    /** The weights of the ranker's predictions (a live experiment's variant may have its own). */
    private readonly scoreWeights: Record<Task, number>,
  ) {}

  score(request: FeedRequest, candidates: Candidate[]): void {
    const scores = this.models.learners.score(
      this.person(request),
      candidates.map((c) => c.video.id),
      this.scoreWeights,
    );
    const graph = this.graphScores(request);
    candidates.forEach((c, i) => (c.score = (scores[i] ?? 0) + this.graphWeight * graph(c)));
  }

  explain(request: FeedRequest, candidates: Candidate[]): void {
    const graph = this.graphScores(request);
    for (const c of candidates) {
      const e = this.models.learners.explain(this.person(request), c.video.id, 5, this.scoreWeights);
      if (e === undefined) continue;
      c.explanation = {
        predictions: { ...e.predictions, itemGraph: graph(c) },
        weights: { ...e.weights, itemGraph: request.candidatesGiven ? 0 : this.graphWeight },
        topSignals: e.signals,
      };
    }
  }

  /** The person's item-graph score of a candidate (0 for an anonymous visitor, for candidates the caller gave, or before the graph's first training). */
  private graphScores(request: FeedRequest): (c: Candidate) => number {
    const scores = request.personalized && !request.candidatesGiven && this.graphWeight !== 0 ? this.models.personGraph(request.user.id) : undefined;
    if (scores === undefined) return () => 0;
    const learners = this.models.learners;
    return (c) => {
      const slot = learners.slotOf(c.video.id);
      return slot === undefined ? 0 : scores.score(slot);
    };
  }

  private person(request: FeedRequest): string | undefined {
    return request.personalized ? request.user.id : undefined;
  }
}
