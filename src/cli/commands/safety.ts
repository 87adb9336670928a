import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { MoteurError } from '../../core/errors.ts';
import { statementOf } from '../../safety/dsa-statement.ts';
import { validateStatement } from '../../safety/dsa-validator.ts';
import { SafetyStore } from '../../safety/safety-store.ts';
import { transparencyReport } from '../../safety/transparency.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

/** A day `YYYY-MM-DD` (UTC midnight). */
function parseDay(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  return ms;
}

const DAY_MS = 86_400_000;

interface Period {
  data: string;
  from: number;
  to: number;
}

/** The moderation database of a data directory, or the one-line error saying there is none. */
function openModeration(dataDir: string): SafetyStore {
  const path = join(dataDir, 'safety.db');
  if (!existsSync(path)) throw new MoteurError('not_found', `${dataDir} holds no moderation database (safety.db): is it a moteur data directory?`);
  return new SafetyStore(path);
}

/** [from, to] as days, `to` included. */
function periodOf(opts: Period): { from: number; to: number } {
  if (opts.to < opts.from) throw new MoteurError('invalid_field', '--to: must not be before --from', { field: 'to' });
  return { from: opts.from, to: opts.to + DAY_MS };
}

/** The data directory and the period both safety commands read. */
function withPeriod(command: Command): Command {
  return command
    .requiredOption('--data <dir>', 'data directory')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD', parseDay)
    .requiredOption('--to <day>', 'last day (included), YYYY-MM-DD', parseDay);
}

export function registerSafety(program: Command): void {
  const safety = program.command('safety').description('Statements of reasons and transparency figures from the moderation decisions of a data directory');
  withPeriod(
    safety
      .command('statements')
      .description(
        'Write the statement of reasons of every restricting decision taken in the period, one JSON object a line, for the DSA Transparency Database',
      ),
  )
    .requiredOption('--out <file>', 'the JSON Lines file to write')
    .action((opts: Period & { out: string }) => {
      const { from, to } = periodOf(opts);
      const store = openModeration(opts.data);
      const catalog = SqliteStore.open(join(opts.data, 'store.db'));
      return (async () => {
        try {
          const lines: string[] = [];
          for (const decision of store.decisions(from, to)) {
            const video = await catalog.getVideo(decision.videoId);
            const statement = video === undefined ? undefined : statementOf(decision, video);
            if (statement === undefined) continue;
            // A statement the database would refuse is a bug to fix, not a line to submit.
            const errors = validateStatement(statement);
            if (errors.length > 0)
              throw new MoteurError('invalid_statement', `decision ${decision.id}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
            lines.push(JSON.stringify(statement));
          }
          writeFileSync(opts.out, lines.map((l) => `${l}\n`).join(''));
          console.log(`${lines.length} statements of reasons written to ${opts.out}`);
        } finally {
          store.close();
          await catalog.close();
        }
      })();
    });
  withPeriod(
    safety
      .command('report')
      .description(
        'Aggregate moderation figures for a period (DSA Art. 15/24): reports, decisions, time to decision, appeals, views before removal; names no one',
      ),
  )
    .option('--json', 'print JSON', false)
    .action((opts: Period & { json: boolean }) => {
      const { from, to } = periodOf(opts);
      const store = openModeration(opts.data);
      try {
        const report = transparencyReport({ reports: store.reports(), decisions: store.decisions(), appeals: store.appeals() }, from, to);
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(`moderation from ${report.from.slice(0, 10)} to ${new Date(to - DAY_MS).toISOString().slice(0, 10)}`);
          console.log(
            `reports: ${report.reports.total} (${
              Object.entries(report.reports.byReason)
                .map(([r, n]) => `${r} ${n}`)
                .join(', ') || 'none'
            })`,
          );
          console.log(
            `decisions: ${report.decisions.total} (${report.decisions.automated} automated, ${report.decisions.human} by moderators; ${
              Object.entries(report.decisions.byAction)
                .map(([a, n]) => `${a} ${n}`)
                .join(', ') || 'none'
            })`,
          );
          console.log(`median time from first report to decision: ${report.medianHoursToDecision ?? '-'} h`);
          console.log(
            `appeals: ${report.appeals.received} (${report.appeals.upheld} upheld, ${report.appeals.reversed} reversed, ${report.appeals.open} open)`,
          );
          console.log(`removals: ${report.removals.videos}, after ${report.removals.viewsBeforeRemoval} views`);
        }
      } finally {
        store.close();
      }
    });
}
