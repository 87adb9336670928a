/** What the learners' Float32Arrays can hold: anything beyond ±FLOAT32_MAX becomes an infinity once stored. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Whether every value is finite and fits a float32. */
export function allFloat32(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v <= FLOAT32_MAX && v >= -FLOAT32_MAX)) return false;
  }
  return true;
}

/** Whether every value is finite (for Float64Array state). */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}
