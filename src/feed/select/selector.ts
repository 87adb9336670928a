/**
 * The parts a page is selected with (src/feed/select/slot-selection.ts): selectors, each a small rule of which
 * candidate takes a slot, and placement rules, which say what may not come next whoever picks it.
 */
import type { Candidate, FeedRequest } from '../pipeline.ts';
import type { PageInProgress } from './page-in-progress.ts';

export interface Selector {
  readonly name: string;
  /** Its picker for one page over these candidates. */
  forPage(request: FeedRequest, candidates: readonly Candidate[], page: PageInProgress): SlotPicker;
}

export interface SlotPicker {
  /** Whether it has first choice of `slot`, before the selectors listed ahead of it; without, it is asked in its turn. */
  owns?(slot: number): boolean;
  /** The candidate for `slot`, or undefined to leave it to the next selector. */
  pick(slot: number): Candidate | undefined;
}

/** The page as placed so far. */
export interface PageSoFar {
  readonly placed: readonly Candidate[];
  readonly placedIds: readonly string[];
}

export interface PlacementRule {
  readonly name: string;
  /** Why `candidate` may not take the next slot after `page`, or undefined when it may. */
  blocks(request: FeedRequest, page: PageSoFar, candidate: Candidate): string | undefined;
  /** With explanations, the video placed instead of a better candidate this rule held back says which, and why. */
  readonly told?: boolean;
}
