/** CPU time used by processes, from /proc (Linux): a benchmark's own child processes, and services by command name. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** Command name and user + system CPU seconds of a process, from /proc/<pid>/stat; undefined once it is gone. */
function statOf(pid: number): { name: string; seconds: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The name is in parentheses and may hold spaces: the fields after it are counted from its closing one.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, the 12th and 13th after the name.
  return { name: stat.slice(stat.indexOf('(') + 1, close), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

/** CPU seconds used so far by the processes with these ids (0 for one that is gone). */
export function cpuSecondsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (statOf(pid)?.seconds ?? 0), 0);
}

/** CPU seconds used so far by every process running the command `name` (a service: `nats-server`, `postgres`). */
export function cpuSecondsOfCommand(name: string): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat?.name === name) sum += stat.seconds;
  }
  return sum;
}
