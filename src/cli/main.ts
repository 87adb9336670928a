/** The `moteur` command. Each sub-command lives in its own file under commands/. */
import { Command } from 'commander';
import { MoteurError } from '../core/errors.ts';
import { registerAb } from './commands/ab.ts';
import { registerAudit } from './commands/audit.ts';
import { registerConfig } from './commands/config.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEval } from './commands/eval.ts';
import { registerImport } from './commands/import.ts';
import { registerInit } from './commands/init.ts';
import { registerKeys } from './commands/keys.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerTrain } from './commands/train.ts';

const program = new Command('moteur')
  .description('An open For You feed engine for short-video apps, with a verifiable audit trail.')
  .showHelpAfterError();

const commands: Array<(program: Command) => void> = [registerAb, registerAudit, registerConfig, registerDemo, registerEval, registerImport, registerInit, registerKeys, registerPolicy, registerServe, registerSimulate, registerTrain];
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Expected failures (bad input, missing files) get one line, not a stack trace.
  if (err instanceof MoteurError) {
    console.error(`moteur: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
