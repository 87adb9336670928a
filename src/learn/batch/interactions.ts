/** Implicit feedback (who engaged with what) as compressed rows, both ways round: the input every batch ranker trains on. */
export interface ImplicitInteractions {
  readonly userCount: number;
  readonly itemCount: number;
  /** Items of user u are itemsOfUser[userStart[u] .. userStart[u+1]), ascending, without repeats. */
  readonly userStart: Int32Array;
  readonly itemsOfUser: Int32Array;
  /** Users of item i are usersOfItem[itemStart[i] .. itemStart[i+1]), ascending, without repeats. */
  readonly itemStart: Int32Array;
  readonly usersOfItem: Int32Array;
  /** Strength of each (user, item) pair aligned with itemsOfUser (e.g. a watch ratio); absent = all 1. */
  readonly valuesOfUser?: Float64Array;
}

/** Builds both row layouts from (user, item) pairs; repeated pairs count once (with the largest value). */
export function implicitInteractions(
  users: ArrayLike<number>,
  items: ArrayLike<number>,
  userCount: number,
  itemCount: number,
  values?: ArrayLike<number>,
): ImplicitInteractions {
  const [userStart, itemsOfUser, valuesOfUser] = compress(users, items, userCount, values);
  const [itemStart, usersOfItem] = compress(items, users, itemCount);
  return { userCount, itemCount, userStart, itemsOfUser, itemStart, usersOfItem, ...(valuesOfUser ? { valuesOfUser } : {}) };
}

export function itemsOf(data: ImplicitInteractions, user: number): Int32Array {
  return data.itemsOfUser.subarray(data.userStart[user]!, data.userStart[user + 1]!);
}

/** The strengths of a user's items, in the order of itemsOf (all 1 when the data has none). */
export function valuesOf(data: ImplicitInteractions, user: number): Float64Array {
  const start = data.userStart[user]!;
  const end = data.userStart[user + 1]!;
  return data.valuesOfUser ? data.valuesOfUser.subarray(start, end) : new Float64Array(end - start).fill(1);
}

export function usersOf(data: ImplicitInteractions, item: number): Int32Array {
  return data.usersOfItem.subarray(data.itemStart[item]!, data.itemStart[item + 1]!);
}

/** How many distinct users engaged with each item. */
export function itemPopularity(data: ImplicitInteractions): Float64Array {
  const popularity = new Float64Array(data.itemCount);
  for (let i = 0; i < data.itemCount; i++) popularity[i] = data.itemStart[i + 1]! - data.itemStart[i]!;
  return popularity;
}

function compress(
  rows: ArrayLike<number>,
  columns: ArrayLike<number>,
  rowCount: number,
  values?: ArrayLike<number>,
): [Int32Array, Int32Array, Float64Array | undefined] {
  const order = Array.from({ length: rows.length }, (_, k) => k).sort((a, b) => rows[a]! - rows[b]! || columns[a]! - columns[b]!);
  const start = new Int32Array(rowCount + 1);
  const kept: number[] = [];
  const keptValues: number[] = [];
  let previous = -1;
  let previousColumn = -1;
  for (const k of order) {
    const row = rows[k]!;
    const column = columns[k]!;
    if (row === previous && column === previousColumn) {
      if (values) keptValues[keptValues.length - 1] = Math.max(keptValues[keptValues.length - 1]!, values[k]!);
      continue;
    }
    previous = row;
    previousColumn = column;
    kept.push(column);
    if (values) keptValues.push(values[k]!);
    start[row + 1]!++;
  }
  for (let r = 0; r < rowCount; r++) start[r + 1]! += start[r]!;
  return [start, Int32Array.from(kept), values ? Float64Array.from(keptValues) : undefined];
}
