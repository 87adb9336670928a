/**
 * Runs every `bench:*` script of package.json, each in its own child process, and writes one JSON file with
 * the machine, the git commit, and each benchmark's command, duration and figures (the JSON it printed).
 * Usage: npm run bench -- [--only feed,ingest] [--quick] [--out FILE] [--compare OLD.json]
 *   --quick    small sizes for the benchmarks listed in QUICK_ARGS (the others run at their defaults)
 *   --compare  prints each figure next to its value in an earlier results file
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib/report.ts';
import { messageOf } from '../src/core/thrown.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Small sizes, flag by flag as each benchmark takes them: a quick run takes seconds per benchmark. */
const QUICK_ARGS: Record<string, string[]> = {
  'bench:ingest': ['--events', '5000', '--clients', '2'],
  'bench:feed': ['--videos', '2000', '--users', '100', '--requests', '500', '--events-per-user', '10'],
  'bench:restart': ['--videos', '2000', '--users', '200', '--events', '4000'],
  'bench:ledger': ['--entries', '20000', '--proofs', '200'],
  'bench:authz': ['--decisions', '20000', '--evaluated', '2000', '--reparsed', '200', '--feeds', '2000'],
  'bench:learn': ['--videos', '5000', '--users', '500', '--events', '50000'],
  'bench:sim': ['--days', '2', '--users', '100', '--videos', '1000'],
  'bench:cluster': ['--events', '4000', '--feeds', '200', '--trials', '10', '--videos', '1000'],
  'bench:nats-log': ['--events', '5000'],
  'bench:content-search': ['--videos', '30000', '--queries', '50'],
  'bench:vector-filter': ['--videos', '30000', '--queries', '50'],
  'bench:client': ['--requests', '1000'],
};

interface BenchmarkRun {
  command: string;
  seconds: number;
  /** Whether the small sizes of `--quick` were passed. */
  quick: boolean;
  ok: boolean;
  /** The JSON the benchmark printed. */
  figures?: unknown;
  error?: string;
}

interface Results {
  startedAt: string;
  git: { commit: string; branch: string; dirty: boolean };
  machine: ReturnType<typeof machine>;
  quick: boolean;
  benchmarks: Record<string, BenchmarkRun>;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const options: { only?: string[]; quick: boolean; out?: string; compare?: string } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => argv[++i] ?? fail(`${arg} expects a value`);
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only')
      options.only = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (arg === '--out') options.out = value();
    else if (arg === '--compare') options.compare = value();
    else fail(`unknown argument '${arg}'; expected --only a,b  --quick  --out FILE  --compare OLD.json`);
  }
  return options;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** The command of each `bench:*` script, in package.json order. */
function discover(): Map<string, string> {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  return new Map(Object.entries(scripts).filter(([name]) => name.startsWith('bench:')));
}

function select(all: Map<string, string>, only: string[] | undefined): [string, string][] {
  if (only === undefined) return [...all];
  return only.map((name) => {
    const key = name.startsWith('bench:') ? name : `bench:${name}`;
    const command = all.get(key) ?? fail(`no script '${key}' in package.json; the benchmarks are ${[...all.keys()].join(', ')}`);
    return [key, command];
  });
}

/** Runs one script as npm would (through the shell, with node_modules/.bin on the PATH); its progress goes to our stderr. */
function runOne(command: string): Promise<{ code: number | null; stdout: string; stderrTail: string; seconds: number }> {
  const started = performance.now();
  const child = spawn('sh', ['-c', command], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
    process.stderr.write(c);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      resolve({ code, stdout, stderrTail: stderr.trim().split('\n').slice(-5).join('\n'), seconds: (performance.now() - started) / 1000 }),
    );
  });
}

/** Every numeric figure of a result as `path → value`, leaving out the parameters and the machine. */
function flatten(value: unknown, path = '', into = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) into.set(path, value);
  // Items that carry a name (such as the policies of eval sim) are keyed by it, so two runs line up by name.
  else if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${path}[${typeof v?.name === 'string' ? v.name : i}]`, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) if (!['parameters', 'machine', 'command'].includes(key)) flatten(v, path ? `${path}.${key}` : key, into);
  }
  return into;
}

/** Which way is better, from the figure's name; undefined when the name does not say. */
function better(path: string): 'higher' | 'lower' | undefined {
  const leaf = path
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  if (/(PerSecond|perSecond|PerSec|Ratio|ratio|recall|Recall|likes|affinity|Affinity|retention|Minutes)/.test(leaf)) return 'higher';
  if (/(Ms|Us|Seconds|seconds|Bytes|bytes|MiB|GiB)$/.test(leaf) || /^(p\d+|max|mean)/.test(leaf)) return 'lower';
  return undefined;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  // Numbers line up on the right, words on the left.
  const align = (v: string, c: number) => (/^-?[\d.]+( %)?$/.test(v) ? v.padStart(widths[c]!) : v.padEnd(widths[c]!));
  return rows.map((r) => r.map(align).join('  ').trimEnd()).join('\n');
}

function summary(results: Results): string {
  const rows = [['benchmark', 'status', 'seconds', 'first figures (all are in the file)']];
  for (const [name, run] of Object.entries(results.benchmarks)) {
    // Figures whose better direction is known first; per-item details (numbered entries) left to the file.
    const headline = [...flatten(run.figures)]
      .filter(([k]) => !/\[\d+\]/.test(k))
      .sort(([a], [b]) => Number(better(a) === undefined) - Number(better(b) === undefined));
    const figures = headline
      .slice(0, 4)
      .map(([k, v]) => `${k}=${fmt(v)}`)
      .join('  ');
    // A failure's last line in the table (its stderr tail is in the file), so the table stays one row per benchmark.
    const failure = (run.error ?? '').trim().split('\n');
    const reason = failure.length > 1 ? `${failure[0]!.split(':')[0]}: … ${failure[failure.length - 1]!.trim()}` : failure[0]!;
    rows.push([name, run.ok ? (run.quick ? 'ok (quick)' : 'ok') : 'FAILED', run.seconds.toFixed(1), run.ok ? figures : reason]);
  }
  return table(rows);
}

/** Each figure that changed, next to its old value; per-item details (numbered entries) are left to the files. */
function comparison(old: Results, now: Results): string {
  const rows = [['figure', 'old', 'new', 'change', '']];
  let unchanged = 0;
  for (const [name, run] of Object.entries(now.benchmarks)) {
    const before = old.benchmarks[name];
    if (before?.figures === undefined || run.figures === undefined) continue;
    const previous = flatten(before.figures);
    for (const [path, value] of flatten(run.figures)) {
      const was = previous.get(path);
      if (was === undefined || /\[\d+\]/.test(path)) continue;
      if (value === was) {
        unchanged++;
        continue;
      }
      const change = was === 0 ? Infinity : (value - was) / Math.abs(was);
      const direction = better(path);
      const verdict = direction === undefined ? '' : change > 0 === (direction === 'higher') ? 'better' : 'worse';
      rows.push([`${name} ${path}`, fmt(was), fmt(value), Number.isFinite(change) ? `${(100 * change).toFixed(1)} %` : 'from 0', verdict]);
    }
  }
  const lines = [
    `compared with ${old.git.commit.slice(0, 12)} (${old.startedAt}${old.quick ? ', quick' : ''}) → ${now.git.commit.slice(0, 12)}${now.quick ? ' (quick)' : ''}`,
  ];
  if (old.quick !== now.quick) lines.push('note: one run was quick and the other was not, so sizes differ');
  if (rows.length > 1) lines.push(table(rows));
  lines.push(`${unchanged} figures unchanged`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let old: Results | undefined;
  if (options.compare !== undefined) {
    try {
      old = JSON.parse(readFileSync(options.compare, 'utf8')) as Results;
    } catch (err) {
      fail(`cannot read results to compare with from ${options.compare}: ${messageOf(err)}`);
    }
    if (typeof old?.benchmarks !== 'object' || old.git === undefined) fail(`${options.compare} is not a results file written by npm run bench`);
  }
  const chosen = select(discover(), options.only);
  if (chosen.length === 0) fail('package.json has no bench:* script');
  const startedAt = new Date();
  const results: Results = {
    startedAt: startedAt.toISOString(),
    git: { commit: git('rev-parse', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD'), dirty: git('status', '--porcelain') !== '' },
    machine: machine(),
    quick: options.quick,
    benchmarks: {},
  };
  for (const [name, script] of chosen) {
    const quickArgs = options.quick ? QUICK_ARGS[name] : undefined;
    const command = quickArgs === undefined ? script : `${script} ${quickArgs.join(' ')}`;
    if (options.quick && quickArgs === undefined) process.stderr.write(`bench: ${name} has no quick sizes; running it at its defaults\n`);
    process.stderr.write(`bench: ${name}: ${command}\n`);
    const run = await runOne(command);
    const entry: BenchmarkRun = { command, seconds: Number(run.seconds.toFixed(2)), quick: quickArgs !== undefined, ok: false };
    if (run.code !== 0) entry.error = `exit code ${run.code}: ${run.stderrTail}`;
    else {
      try {
        entry.figures = JSON.parse(run.stdout);
        entry.ok = true;
      } catch {
        entry.error = `did not print one JSON object: ${run.stdout.slice(0, 200)}`;
      }
    }
    results.benchmarks[name] = entry;
  }
  const out = options.out ?? join(ROOT, 'bench-results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(summary(results));
  if (old !== undefined) console.log(`\n${comparison(old, results)}`);
  console.log(`\nwritten to ${out}`);
  if (Object.values(results.benchmarks).some((b) => !b.ok)) process.exitCode = 1;
}

await main();
