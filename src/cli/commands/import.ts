import type { Command } from 'commander';
import { Moteur } from '../../app/moteur.ts';
import { MoteurError } from '../../core/errors.ts';
import { importFile, type ImportKind, type ImportSummary } from '../../import/importer.ts';
import { fileSize } from '../../import/records.ts';
import { parseRegions } from '../options.ts';
import { progressBar } from '../progress.ts';

interface ImportOptions {
  data: string;
  videos?: string;
  users?: string;
  events?: string;
  json: boolean;
  regions?: string[];
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Load videos, users and events from CSV (header row; lists separated by ";") or JSON Lines files')
    .requiredOption('--data <dir>', 'data directory (created if missing)')
    .option('--videos <file>', 'videos (.csv or .jsonl); loaded first, since events must name known videos')
    .option('--users <file>', 'users (.csv or .jsonl)')
    .option('--events <file>', 'events (.csv or .jsonl)')
    .option(
      '--regions <list>',
      "regions whose people may be imported, comma-separated, home region first (default: the configured region and every region the directory holds); other people's rows are rejected",
      parseRegions,
    )
    .option('--json', 'print the summaries as JSON', false)
    .action(async (opts: ImportOptions) => {
      const files = (['videos', 'users', 'events'] as const).filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]!] as [ImportKind, string]);
      if (files.length === 0) throw new MoteurError('nothing_to_import', 'nothing to import: give --videos, --users and/or --events');
      for (const [, path] of files) fileSize(path); // a missing file fails before anything is written
      const moteur = await Moteur.open({ dataDir: opts.data, ...(opts.regions ? { regions: opts.regions } : {}) });
      moteur.recordAction('importData', `import of ${files.map(([kind]) => kind).join(', ')}`);
      const summaries: ImportSummary[] = [];
      try {
        for (const [kind, path] of files) {
          const bar = progressBar(`${kind.padEnd(6)}`, fileSize(path), 'bytes');
          summaries.push(await importFile(moteur, kind, path, (bytes) => bar.update(bytes)));
          bar.stop();
        }
      } finally {
        await moteur.close();
      }
      if (opts.json) console.log(JSON.stringify(summaries));
      else {
        for (const s of summaries) {
          console.log(`${s.kind}: ${s.rows} rows read, ${s.stored} stored, ${s.duplicates} duplicates, ${s.rejected} rejected (${s.file})`);
          for (const r of s.rejections) console.log(`  ${r}`);
          if (s.rejected > s.rejections.length) console.log(`  ... and ${s.rejected - s.rejections.length} more`);
        }
      }
      if (summaries.every((s) => s.rejected > 0 && s.stored === 0 && s.duplicates === 0)) {
        throw new MoteurError('all_rejected', 'every row was rejected and nothing was imported: fix the rows (the reasons are above) and import again');
      }
    });
}
