/** Shared pieces of the benchmarks: flags, percentiles, machine facts, and the JSON they print. */
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { learnerSnapshotPath } from '../../src/app/moteur.ts';

export function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} expects a positive number, got '${process.argv[at + 1] ?? ''}'`);
    process.exit(2);
  }
  return value;
}

/** Whether a switch (`--name`, no value) was given. */
export function hasSwitch(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function latencySummary(latenciesMs: readonly number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

/**
 * Runs `call` `count` times from `clients` concurrent callers; each call's latency in ms, when each began
 * (performance.now(), in the same order), when the run began, and its wall time.
 */
export async function timeCalls(count: number, clients: number, call: () => Promise<unknown>) {
  const latenciesMs: number[] = [];
  const startsMs: number[] = [];
  let started = 0;
  const caller = async () => {
    while (started++ < count) {
      const t = performance.now();
      await call();
      latenciesMs.push(performance.now() - t);
      startsMs.push(t);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, caller));
  return { latenciesMs, startsMs, startMs: start, seconds: (performance.now() - start) / 1000 };
}

// Taken at start: a load near the core count means other processes shared the machine and the figures are low.
const loadAtStart = loadavg()[0]!;

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: round(loadAtStart, 2),
  };
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/**
 * This process's heap sizes and profiling flags, for a child that must run as it does: the same limits (and young
 * generation, which sets how often feeds meet a collection), profiled when this one is.
 */
export function inheritedNodeFlags(): string[] {
  const inherited = ['--max-old-space-size', '--min-semi-space-size', '--max-semi-space-size', '--cpu-prof'];
  return process.execArgv.filter((arg) => inherited.some((flag) => arg.startsWith(flag)));
}

/**
 * The data directory: `--data DIR` (kept afterwards, built there when it holds no snapshot and reused when it
 * does, so a run at the goal size can skip its half-hour set-up), else a scratch directory.
 */
export function dataDir(): { dir: string; kept: boolean; reused: boolean } {
  const given = process.argv.indexOf('--data');
  if (given < 0) return { dir: scratchDir(), kept: false, reused: false };
  const dir = process.argv[given + 1];
  if (dir === undefined || dir.startsWith('--')) {
    console.error('--data expects a directory (made and filled when it holds no snapshot, reused when it does)');
    process.exit(2);
  }
  return { dir, kept: true, reused: existsSync(learnerSnapshotPath(dir)) };
}

/** A scratch data directory that is removed however the benchmark ends. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'moteur-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function print(result: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...result, machine: machine(), command: `node ${process.argv.slice(1).join(' ')}` }, null, 2));
}

/** Progress on stderr, so the JSON on stdout stays clean. */
export function note(message: string): void {
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)} s] ${message}\n`);
}

/**
 * CPU time (ms) the main thread of process `pid` has used, from /proc (Linux; undefined elsewhere). Unlike wall
 * time, it barely moves when other processes share the cores, so it compares runs on a busy machine.
 */
export function mainThreadCpuMs(pid = process.pid): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, the unit of /proc times, on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
