/**
 * What a slow call waited behind: garbage-collection pauses (from the 'gc' performance entries) and timer or
 * immediate callbacks that ran on the same thread (timed by wrapping setTimeout, setInterval and setImmediate
 * before the engine starts, so the benchmark needs no hooks in it). Both are recorded as spans on the
 * performance.now() clock and matched against the spans of the timed calls.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { round } from './report.ts';

export interface Span {
  startMs: number;
  durationMs: number;
}
interface GcSpan extends Span {
  kind: string;
}

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incrementalMarking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
};

const gcSpans: GcSpan[] = [];
const callbackSpans: Span[] = [];

/** Starts recording; call before the engine is opened so its timers are wrapped. */
export function recordPauses(): void {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? -1;
      gcSpans.push({ startMs: entry.startTime, durationMs: entry.duration, kind: gcKinds[kind] ?? `kind${kind}` });
    }
  }).observe({ entryTypes: ['gc'] });
  const timed =
    <A extends unknown[]>(callback: (...args: A) => unknown) =>
    (...args: A) => {
      const startMs = performance.now();
      try {
        return callback(...args);
      } finally {
        callbackSpans.push({ startMs, durationMs: performance.now() - startMs });
      }
    };
  const { setTimeout: timeout, setInterval: interval, setImmediate: immediate } = globalThis;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => unknown, ms?: number, ...args: unknown[]) =>
    timeout(timed(callback), ms, ...args)) as typeof setTimeout;
  globalThis.setInterval = ((callback: (...args: unknown[]) => unknown, ms?: number, ...args: unknown[]) =>
    interval(timed(callback), ms, ...args)) as typeof setInterval;
  globalThis.setImmediate = ((callback: (...args: unknown[]) => unknown, ...args: unknown[]) => immediate(timed(callback), ...args)) as typeof setImmediate;
}

const overlaps = (a: Span, b: Span) => a.startMs < b.startMs + b.durationMs && b.startMs < a.startMs + a.durationMs;
const within = <S extends Span>(spans: readonly S[], window: Span): S[] => spans.filter((s) => overlaps(s, window));
const totalMs = (spans: readonly Span[]) => round(spans.reduce((sum, s) => sum + s.durationMs, 0));

/**
 * The pauses during `window` (the timed phase), and for the calls slower than `slowMs`, how many overlapped a GC
 * pause or a callback, and how much of their time those took.
 */
export async function pausesDuring(window: Span, calls: readonly Span[], slowMs: number) {
  // GC entries reach the observer a few turns of the event loop after the pause.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const gc = within(gcSpans, window);
  const callbacks = within(callbackSpans, window);
  const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  for (const s of gc) {
    const k = (byKind[s.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count++;
    k.totalMs = round(k.totalMs + s.durationMs);
    k.maxMs = round(Math.max(k.maxMs, s.durationMs));
  }
  const slow = calls.filter((c) => c.durationMs > slowMs);
  const slowGc = slow.map((c) => within(gc, c));
  const slowCallbacks = slow.map((c) => within(callbacks, c));
  return {
    gcPauses: { count: gc.length, totalMs: totalMs(gc), byKind },
    callbacks: { count: callbacks.length, totalMs: totalMs(callbacks), maxMs: round(Math.max(0, ...callbacks.map((s) => s.durationMs))) },
    slowCalls: {
      thresholdMs: slowMs,
      count: slow.length,
      totalMs: totalMs(slow),
      overlappingGc: slowGc.filter((g) => g.length > 0).length,
      gcMsInside: round(slowGc.reduce((sum, g) => sum + totalMs(g), 0)),
      overlappingCallback: slowCallbacks.filter((c) => c.length > 0).length,
      callbackMsInside: round(slowCallbacks.reduce((sum, c) => sum + totalMs(c), 0)),
    },
  };
}
