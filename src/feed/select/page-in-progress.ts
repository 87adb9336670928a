import type { Candidate, FeedRequest } from '../pipeline.ts';
import type { MarginalRelevance } from './marginal-relevance.ts';
import type { PageSoFar, PlacementRule } from './selector.ts';

/** One page as it is filled: what is placed, what remains, and what the placement rules let take the next slot. */
export class PageInProgress implements PageSoFar {
  readonly placed: Candidate[] = [];
  readonly placedIds: string[] = [];

  constructor(
    private readonly request: FeedRequest,
    /** Rules not worth telling come first, so a candidate they block is never reported as held back. */
    private readonly rules: readonly PlacementRule[],
    private readonly relevance: MarginalRelevance,
  ) {}

  /** Whether the candidate is not on the page yet. */
  remains(c: Candidate): boolean {
    return this.relevance.remainsCandidate(c);
  }

  /** Whether every placement rule lets the candidate take the next slot. */
  allows(c: Candidate): boolean {
    return this.rules.every((rule) => rule.blocks(this.request, this, c) === undefined);
  }

  /**
   * The remaining candidate of `pool` with the best marginal relevance that the rules let take the next slot. With
   * explanations, when a told rule held back a better one, the candidate placed instead says which and why.
   */
  best(pool: ReadonlySet<Candidate>): Candidate | undefined {
    let best: Candidate | undefined;
    let bestValue = -Infinity;
    let heldBack: { c: Candidate; why: string; value: number } | undefined;
    const { candidates } = this.relevance;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (!this.relevance.remains(i) || this.relevance.bound(i) <= bestValue || !pool.has(c)) continue;
      const value = this.relevance.value(i);
      if (value <= bestValue) continue;
      let why: string | undefined;
      let told = false;
      for (const rule of this.rules) {
        why = rule.blocks(this.request, this, c);
        if (why === undefined) continue;
        told = rule.told === true;
        break;
      }
      if (why === undefined) {
        best = c;
        bestValue = value;
      } else if (told && (heldBack === undefined || value > heldBack.value)) heldBack = { c, why, value };
    }
    if (this.request.explain && best !== undefined && heldBack !== undefined && heldBack.value > bestValue) {
      best.dispersal = `placed instead of ${heldBack.c.video.id}: ${heldBack.why}`;
    }
    return best;
  }

  place(c: Candidate): void {
    this.placed.push(c);
    this.placedIds.push(c.video.id);
    this.relevance.placed(c);
  }
}
