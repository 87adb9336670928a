/**
 * Area under the ROC curve: the chance that a random positive outscores a random negative, ties counting half
 * (Mann-Whitney U with average ranks). NaN when there are no positives or no negatives.
 */
export function areaUnderCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, k) => k).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (positive[order[k]!]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * AUC within each person (`groups[p]` holds the indices of person p's rows), and its mean over the people who have
 * both positives and negatives (`perPerson` is NaN for the others; `mean` is NaN when nobody has both). Moving all
 * of one person's scores up or down changes nothing here, unlike a pooled AUC over every row.
 */
export function perPersonAuc(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  groups: readonly (readonly number[])[],
): { perPerson: Float64Array; mean: number; people: number } {
  const perPerson = Float64Array.from(groups, (rows) =>
    areaUnderCurve(
      rows.map((k) => scores[k]!),
      rows.map((k) => positive[k]!),
    ),
  );
  let sum = 0;
  let people = 0;
  for (const auc of perPerson) {
    if (Number.isNaN(auc)) continue;
    sum += auc;
    people++;
  }
  return { perPerson, mean: people === 0 ? NaN : sum / people, people };
}
