import type { Candidate, FeedRequest, Scorer } from '../pipeline.ts';

/** Scores each candidate by one signal its source already computed (0 when absent); reads nothing about the person. */
export class SignalScorer implements Scorer {
  readonly name: string;

  constructor(private readonly signal: string) {
    this.name = `signal:${signal}`;
  }

  score(_request: FeedRequest, candidates: Candidate[]): void {
    for (const c of candidates) c.score = c.signals[this.signal] ?? 0;
  }

  explain(_request: FeedRequest, candidates: Candidate[]): void {
    for (const c of candidates) {
      c.explanation = { predictions: {}, weights: { [this.signal]: 1 }, topSignals: [{ signal: this.signal, value: c.score, contribution: c.score }] };
    }
  }
}
