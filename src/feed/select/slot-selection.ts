import type { Candidate, FeedRequest } from '../pipeline.ts';
import { MarginalRelevance, type Diversity } from './marginal-relevance.ts';
import { PageInProgress } from './page-in-progress.ts';
import type { PlacementRule, Selector } from './selector.ts';

export interface SlotSelectionParts {
  /** Asked in this order for each slot, after those that own it; the first to pick fills it. */
  selectors: Selector[];
  /** What may not come next, whichever selector picks. */
  rules: PlacementRule[];
  /** How much being unlike the page so far counts (undefined: candidates are compared by score alone). */
  diversity?: Diversity;
}

/**
 * Fills the page slot by slot: the selectors that own a slot are asked first, then the others in their order,
 * and the first candidate picked is placed; the page ends early when no selector finds one.
 */
export class SlotSelection {
  readonly name = 'selection';
  private readonly rules: PlacementRule[];

  constructor(private readonly parts: SlotSelectionParts) {
    this.rules = [...parts.rules.filter((r) => r.told !== true), ...parts.rules.filter((r) => r.told === true)];
  }

  /** The page, and how many of its slots each selector filled. */
  select(request: FeedRequest, candidates: Candidate[]): { page: Candidate[]; filledBy: Record<string, number> } {
    const page = new PageInProgress(request, this.rules, new MarginalRelevance(candidates, this.parts.diversity));
    const pickers = this.parts.selectors.map((selector) => ({ name: selector.name, picker: selector.forPage(request, candidates, page) }));
    const filledBy: Record<string, number> = Object.fromEntries(pickers.map((p) => [p.name, 0]));
    for (let slot = 0; slot < request.n; slot++) {
      const owners = pickers.filter((p) => p.picker.owns?.(slot) === true);
      let pick: Candidate | undefined;
      for (const { name, picker } of owners.length === 0 ? pickers : [...owners, ...pickers.filter((p) => !owners.includes(p))]) {
        pick = picker.pick(slot);
        if (pick === undefined) continue;
        filledBy[name]!++;
        break;
      }
      if (pick === undefined) break;
      page.place(pick);
    }
    return { page: page.placed, filledBy };
  }
}
