/**
 * Self-contained SVG charts (no script, no external font or style) for evaluation reports: they are inlined in the
 * HTML page and rendered to PNG as they are, so every style is an attribute.
 */

/** A finished chart: `id` names its PNG file, `svg` is the whole document. */
export interface Chart {
  id: string;
  title: string;
  svg: string;
}

export interface Series {
  name: string;
  /** [x, y] points, drawn in the given order; non-finite y values are skipped. */
  points: Array<[number, number]>;
}

export interface LineChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Draw x on a log scale (e.g. K = 10, 20, 50 or events seen). */
  logX?: boolean;
  /** Tick values on x; chosen automatically when absent. */
  xTicks?: number[];
}

export interface BoxPlotSpec {
  id: string;
  title: string;
  yLabel: string;
  /** One box per group: its values are summarised by quartiles, whiskers at the 5th and 95th percentiles, and the mean. */
  groups: Array<{ name: string; values: ArrayLike<number> }>;
}

const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { left: 70, right: 190, top: 44, bottom: 56 };
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
/** Colour-blind-safe palette (Okabe-Ito), then greys. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#777777', '#BBBBBB'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Tick values that are round numbers (1, 2 or 5 times a power of ten) covering [low, high]. */
export function niceTicks(low: number, high: number, target = 5): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  // From the last round value at or below low to the first at or above high.
  const first = Math.floor(low / step + 1e-9);
  const last = Math.ceil(high / step - 1e-9);
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

/** Lines with markers, one per series, with a legend on the right. */
export function lineChart(spec: LineChartSpec): Chart {
  const points = spec.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!spec.logX || x > 0)));
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const fx = spec.logX ? Math.log10 : (x: number) => x;
  let [xLow, xHigh] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  if (xLow === xHigh) [xLow, xHigh] = spec.logX ? [xLow / 2, xHigh * 2] : [xLow - 1, xHigh + 1];
  const yTicks = niceTicks(Math.min(0, ...ys), ys.length ? Math.max(...ys) || 1 : 1);
  const [yLow, yHigh] = [yTicks[0]!, Math.max(yTicks[yTicks.length - 1]!, ...ys)];
  const plot = plotArea();
  const sx = (x: number) => plot.x0 + ((fx(x) - fx(xLow)) / (fx(xHigh) - fx(xLow) || 1)) * plot.width;
  const sy = (y: number) => plot.y1 - ((y - yLow) / (yHigh - yLow || 1)) * plot.height;
  const xTicks = (spec.xTicks ?? (spec.logX ? logTicks(xLow, xHigh) : niceTicks(xLow, xHigh))).filter((t) => t >= xLow && t <= xHigh);

  const body: string[] = [frame(spec.title, spec.xLabel, spec.yLabel)];
  for (const t of yTicks) body.push(hLine(plot, sy(t)), text(plot.x0 - 8, sy(t) + 4, formatNumber(t), 'end'));
  for (const t of xTicks)
    body.push(
      `<line x1="${r(sx(t))}" y1="${plot.y1}" x2="${r(sx(t))}" y2="${plot.y1 + 5}" stroke="#444"/>`,
      text(sx(t), plot.y1 + 19, formatNumber(t), 'middle'),
    );
  spec.series.forEach((series, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    const visible = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!spec.logX || x > 0));
    if (visible.length > 1)
      body.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${visible.map(([x, y]) => `${r(sx(x))},${r(sy(y))}`).join(' ')}"/>`);
    if (visible.length <= 30) for (const [x, y] of visible) body.push(`<circle cx="${r(sx(x))}" cy="${r(sy(y))}" r="3.5" fill="${colour}"/>`);
  });
  body.push(legend(spec.series.map((s) => s.name)));
  return { id: spec.id, title: spec.title, svg: document(spec.title, body) };
}

/** One box per group (quartiles, whiskers at the 5th/95th percentiles, a diamond at the mean), for per-user spreads. */
export function boxPlot(spec: BoxPlotSpec): Chart {
  const summaries = spec.groups.map((g) => ({ name: g.name, ...summarise(g.values) }));
  const high = Math.max(0, ...summaries.map((s) => s.p95), ...summaries.map((s) => s.mean));
  const low = Math.min(0, ...summaries.map((s) => s.p5));
  const yTicks = niceTicks(low, high || 1);
  const [yLow, yHigh] = [yTicks[0]!, Math.max(yTicks[yTicks.length - 1]!, high)];
  const plot = plotArea();
  const sy = (y: number) => plot.y1 - ((y - yLow) / (yHigh - yLow || 1)) * plot.height;
  const slot = plot.width / Math.max(1, summaries.length);
  const body: string[] = [frame(spec.title, '', spec.yLabel)];
  for (const t of yTicks) body.push(hLine(plot, sy(t)), text(plot.x0 - 8, sy(t) + 4, formatNumber(t), 'end'));
  summaries.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    const cx = plot.x0 + slot * (k + 0.5);
    const half = Math.min(28, slot * 0.3);
    if (s.count > 0) {
      body.push(
        `<line x1="${r(cx)}" y1="${r(sy(s.p5))}" x2="${r(cx)}" y2="${r(sy(s.p95))}" stroke="${colour}" stroke-width="1.5"/>`,
        `<rect x="${r(cx - half)}" y="${r(sy(s.q3))}" width="${r(2 * half)}" height="${r(Math.max(1, sy(s.q1) - sy(s.q3)))}" fill="${colour}" fill-opacity="0.25" stroke="${colour}" stroke-width="1.5"/>`,
        `<line x1="${r(cx - half)}" y1="${r(sy(s.median))}" x2="${r(cx + half)}" y2="${r(sy(s.median))}" stroke="${colour}" stroke-width="3"/>`,
        `<path d="M${r(cx)},${r(sy(s.mean) - 6)} l6,6 l-6,6 l-6,-6 z" fill="#fff" stroke="${colour}" stroke-width="1.5"/>`,
      );
    }
    body.push(text(cx, plot.y1 + 19, truncate(s.name, Math.max(4, Math.floor(slot / 7.5))), 'middle'));
  });
  body.push(legendNote(['box: quartiles', 'bar: median', '◇: mean', 'whiskers: 5th–95th pct']));
  return { id: spec.id, title: spec.title, svg: document(spec.title, body) };
}

/** Quartiles by linear interpolation between order statistics. */
export function summarise(values: ArrayLike<number>): { count: number; mean: number; p5: number; q1: number; median: number; q3: number; p95: number } {
  const sorted = Float64Array.from(Array.from(values).filter(Number.isFinite)).sort();
  const at = (q: number) => {
    if (sorted.length === 0) return 0;
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
  };
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, mean, p5: at(0.05), q1: at(0.25), median: at(0.5), q3: at(0.75), p95: at(0.95) };
}

function plotArea() {
  const x0 = MARGIN.left;
  const y0 = MARGIN.top;
  return {
    x0,
    y0,
    x1: WIDTH - MARGIN.right,
    y1: HEIGHT - MARGIN.bottom,
    width: WIDTH - MARGIN.left - MARGIN.right,
    height: HEIGHT - MARGIN.top - MARGIN.bottom,
  };
}

function document(title: string, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${FONT}" font-size="12">` +
    `<title>${escapeXml(title)}</title><rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>${body.join('')}</svg>`
  );
}

function frame(title: string, xLabel: string, yLabel: string): string {
  const p = plotArea();
  return (
    `<text x="${p.x0}" y="24" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>` +
    `<line x1="${p.x0}" y1="${p.y1}" x2="${p.x1}" y2="${p.y1}" stroke="#444"/><line x1="${p.x0}" y1="${p.y0}" x2="${p.x0}" y2="${p.y1}" stroke="#444"/>` +
    (xLabel ? text((p.x0 + p.x1) / 2, HEIGHT - 14, xLabel, 'middle') : '') +
    `<text transform="translate(16 ${r((p.y0 + p.y1) / 2)}) rotate(-90)" text-anchor="middle" fill="#333">${escapeXml(yLabel)}</text>`
  );
}

function legend(names: string[]): string {
  const x = WIDTH - MARGIN.right + 16;
  return names
    .map((name, k) => {
      const y = MARGIN.top + 8 + k * 20;
      return `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${PALETTE[k % PALETTE.length]}"/>` + text(x + 20, y, truncate(name, 22), 'start');
    })
    .join('');
}

function legendNote(lines: string[]): string {
  const x = WIDTH - MARGIN.right + 16;
  return lines.map((line, k) => text(x, MARGIN.top + 8 + k * 18, line, 'start', '#555')).join('');
}

const hLine = (p: ReturnType<typeof plotArea>, y: number) => `<line x1="${p.x0}" y1="${r(y)}" x2="${p.x1}" y2="${r(y)}" stroke="#e3e3e3"/>`;

function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', fill = '#333'): string {
  return `<text x="${r(x)}" y="${r(y)}" text-anchor="${anchor}" fill="${fill}">${escapeXml(content)}</text>`;
}

function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let p = Math.floor(Math.log10(low)); p <= Math.ceil(Math.log10(high)); p++) for (const m of [1, 2, 5]) ticks.push(m * 10 ** p);
  return ticks;
}

const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const r = (v: number) => Math.round(v * 10) / 10;
