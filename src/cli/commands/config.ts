/** `moteur config check|print`: validate a configuration file, show the effective configuration. */
import type { Command } from 'commander';
import { effectiveValues } from '../../app/config-schema.ts';
import { readSettingsFile } from '../../app/config-file.ts';
import { configOption, loadSettings } from '../config-option.ts';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Check a configuration file, or print the effective configuration with every default');
  config
    .command('check <file>')
    .description('Check a configuration file (JSON or TOML) against the schema: each mistake is named with its key and the allowed values')
    .action((file: string) => {
      const settings = readSettingsFile(file);
      const experiments = settings.experiments.map((e) => `${e.name} (${e.variants.map((v) => v.name).join(', ')})`);
      console.log(
        `${file}: valid; ${Object.keys(settings.values).length} settings changed from the defaults${experiments.length > 0 ? `; experiments ${experiments.join(', ')}` : ''}`,
      );
    });
  config
    .command('print')
    .description("Print the effective configuration as JSON: the file's values (with --config) over the defaults")
    .addOption(configOption())
    .action((opts: { config?: string }) => {
      const settings = loadSettings(opts.config);
      const experiments = Object.fromEntries(settings.experiments.map((e) => [e.name, Object.fromEntries(e.variants.map((v) => [v.name, v.feed]))]));
      console.log(JSON.stringify({ ...effectiveValues(settings), experiments }, null, 2));
    });
}
