// Reads the Prometheus text format the server's /metrics answers: enough for counters, gauges and histograms.

/** Every sample as `{name, labels, value}`; comments and blank lines skipped. */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `where`. */
export function total(samples, name, where = {}) {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

/** Values of one label of a metric, with each value's total. */
export function byLabel(samples, name, label) {
  const out = {};
  for (const s of samples) if (s.name === name && s.labels[label] !== undefined) out[s.labels[label]] = (out[s.labels[label]] ?? 0) + s.value;
  return out;
}

/**
 * The q-quantile of what a histogram observed between two scrapes, interpolated inside its bucket as
 * Prometheus' histogram_quantile does; undefined when nothing was observed.
 */
export function quantileBetween(before, after, name, q) {
  const buckets = (samples) => new Map(samples.filter((s) => s.name === `${name}_bucket`).map((s) => [s.labels.le, s.value]));
  const a = buckets(before);
  const counts = [...buckets(after)].map(([le, v]) => ({ le: le === '+Inf' ? Infinity : Number(le), count: v - (a.get(le) ?? 0) })).sort((x, y) => x.le - y.le);
  const all = counts.at(-1)?.count ?? 0;
  if (all <= 0) return undefined;
  const rank = q * all;
  let lower = 0;
  let below = 0;
  for (const { le, count } of counts) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(count - below, 1e-9);
    }
    lower = le;
    below = count;
  }
  return lower;
}
