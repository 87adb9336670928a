/** Anything that can score every item for one user: the shape the evaluation protocols and the engine both call. */
export interface UserItemScorer {
  /** Writes one score per item into out (length = item count); higher is better. Items the scorer cannot rank get -Infinity. */
  scoreUser(user: number, out: Float64Array): void;
}
