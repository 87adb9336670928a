/**
 * A person's rights over what the learners hold about them: access (what was learned, in readable terms),
 * refresh (learned taste forgotten, their own choices kept) and erasure (everything keyed by them gone).
 */
import type { LearnedParts } from './learned-parts.ts';
import type { LearnerDeltas } from './learner-deltas.ts';

const EMPTY: ReadonlySet<string> = new Set();

/** What the feed reads of a person's own signals. */
export interface PersonSignals {
  /** The person's recent positives (video ids), oldest first. */
  recentPositives(userId: string): string[];
  /** Every positive kept about the person (video ids), oldest first: the recent ones are the last. */
  keptPositives(userId: string): string[];
  /** The creators the person follows. */
  follows(userId: string): ReadonlySet<string>;
  /** Creators and sounds the person hid, as keys ("creator:c1", "sound:s9"). */
  hidden(userId: string): ReadonlySet<string>;
}

export class PersonRights implements PersonSignals {
  constructor(
    private readonly parts: LearnedParts,
    private readonly deltas: LearnerDeltas,
  ) {}

  /**
   * Forgets what was learned about a person, as if they had just signed up: embedding, affinities, recent
   * positives, open exposures. What they chose themselves is kept: the creators they follow, and the creators
   * and sounds they said "not interested" in.
   */
  resetUser(userId: string): void {
    this.deltas.personChanged(userId);
    this.parts.factorization.users.delete(userId);
    this.parts.taste.reset(userId, true);
    this.parts.swing.forgetUser(userId);
    this.parts.exposures.forget(userId);
  }

  /**
   * Erasure: removes every piece of state keyed by the person, follows included, and their name from every
   * video's window of recent engagers. What stays is aggregate and keyed by videos only (see docs/learning.md).
   */
  forgetUser(userId: string): void {
    this.resetUser(userId);
    this.parts.taste.reset(userId, false);
    this.deltas.personErased(userId);
  }

  /** Whether anything at all is kept under this person's id. */
  knowsUser(userId: string): boolean {
    const { factorization, taste, swing, exposures } = this.parts;
    return factorization.users.has(userId) || taste.get(userId) !== undefined || swing.recentPositives(userId).length > 0 || exposures.has(userId);
  }

  recentPositives(userId: string): string[] {
    return this.parts.recentPositives(userId);
  }

  keptPositives(userId: string): string[] {
    return this.parts.keptPositives(userId);
  }

  follows(userId: string): ReadonlySet<string> {
    return this.parts.taste.get(userId)?.follows ?? EMPTY;
  }

  hidden(userId: string): ReadonlySet<string> {
    return this.parts.taste.get(userId)?.hidden ?? EMPTY;
  }

  /** Every affinity of the person, positive or negative, as of the learners' clock, strongest first. */
  affinities(userId: string): { key: string; value: number }[] {
    const { taste: profiles, clock } = this.parts;
    const taste = profiles.get(userId);
    if (taste === undefined) return [];
    return [...taste.affinities.keys()]
      .map((key) => ({ key, value: profiles.value(taste, key, clock) }))
      .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || (a.key < b.key ? -1 : 1));
  }

  /** The person's learned embedding (their row's factors), or undefined before admission. */
  userVector(userId: string): Float32Array | undefined {
    const { users } = this.parts.factorization;
    const row = users.row(userId);
    return row === undefined ? undefined : users.vector(row).slice(0, this.parts.config.dim);
  }
}
