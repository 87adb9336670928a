/**
 * This thread's CPU time, the time it waited for a CPU while runnable and its page faults (Linux's per-thread
 * schedstat and stat), and the whole process's CPU time: together they tell whether a slow call was slow on its
 * own, was kept off the CPU by other threads, ran beside other threads of the process (a worker, the garbage
 * collector's helpers), or touched memory the kernel had to map first.
 */
import { readFileSync } from 'node:fs';

export interface CpuReading {
  /** This thread's time on a CPU, ms (NaN where the kernel does not say, as for the two below). */
  runMs: number;
  /** This thread's time runnable but waiting for a CPU, ms. */
  waitMs: number;
  /** This thread's page faults, minor and major. */
  pageFaults: number;
  /** Every thread of the process, user and system, ms. */
  processMs: number;
}

export function readCpu(): CpuReading {
  const usage = process.cpuUsage();
  const processMs = (usage.user + usage.system) / 1000;
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    // Fields after the command name: state is the first, minor faults the eighth, major faults the tenth.
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { runMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6, pageFaults: Number(fields[7]) + Number(fields[9]), processMs };
  } catch {
    return { runMs: Number.NaN, waitMs: Number.NaN, pageFaults: Number.NaN, processMs };
  }
}

/** What happened between two readings: this thread's waiting for a CPU and page faults, and the other threads' CPU time. */
export function cpuBetween(before: CpuReading, after: CpuReading): { waitingForCpuMs: number; otherThreadsCpuMs: number; pageFaults: number } {
  const ownMs = after.runMs - before.runMs;
  return {
    waitingForCpuMs: after.waitMs - before.waitMs,
    otherThreadsCpuMs: Math.max(0, after.processMs - before.processMs - ownMs),
    pageFaults: after.pageFaults - before.pageFaults,
  };
}
