import type { LearnedModels } from '../models.ts';
import type { Candidate, FeedRequest, Scorer } from '../pipeline.ts';

/**
 * Scores every candidate with the multi-task ranker (the configured weighted sum of its predictions: relative
 * watch, like, share, comment, follow, skip) plus `graphWeight` times the item graph's score for the person, which
 * carries what everyone's engagements say about them. An unpersonalised feed is scored as for an anonymous
 * visitor, so no personal feature is read.
 */
export class MultiTaskScorer implements Scorer {
  readonly name = 'multi-task';

  constructor(
    private readonly models: LearnedModels,
    private readonly graphWeight: number,
  ) {}

  score(request: FeedRequest, candidates: Candidate[]): void {
    const scores = this.models.learners.score(this.person(request), candidates.map((c) => c.video.id));
    candidates.forEach((c, i) => (c.score = (scores[i] ?? 0) + this.graphWeight * this.graphScore(request, c)));
  }

  explain(request: FeedRequest, candidates: Candidate[]): void {
    for (const c of candidates) {
      const e = this.models.learners.explain(this.person(request), c.video.id);
      if (e === undefined) continue;
      const graph = this.graphScore(request, c);
      c.explanation = { predictions: { ...e.predictions, itemGraph: graph }, weights: { ...e.weights, itemGraph: this.graphWeight }, topSignals: e.signals };
    }
  }

  private graphScore(request: FeedRequest, c: Candidate): number {
    if (!request.personalized || this.graphWeight === 0) return 0;
    const slot = this.models.learners.slotOf(c.video.id);
    return slot === undefined ? 0 : (this.models.personGraph(request.user.id)?.score(slot) ?? 0);
  }

  private person(request: FeedRequest): string | undefined {
    return request.personalized ? request.user.id : undefined;
  }
}
