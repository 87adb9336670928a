/** `--config FILE` of the commands that run the engine, and reading it. */
import { Option } from 'commander';
import { readSettingsFile } from '../app/config-file.ts';
import type { Settings } from '../app/config-schema.ts';

export function configOption(): Option {
  return new Option('--config <file>', 'configuration file, JSON or TOML (`moteur config print` shows every setting)').env('MOTEUR_CONFIG');
}

/** The checked file, or no settings at all (every default) without one. */
export function loadSettings(path: string | undefined): Settings {
  return path === undefined ? { values: {}, experiments: [] } : readSettingsFile(path);
}
