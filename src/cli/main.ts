/** The `moteur` command. Each sub-command lives in its own file under commands/. */
import { Command, CommanderError } from 'commander';
import { MoteurError } from '../core/errors.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { registerAb } from './commands/ab.ts';
import { registerAudit } from './commands/audit.ts';
import { registerCluster } from './commands/cluster.ts';
import { registerConfig } from './commands/config.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEval } from './commands/eval.ts';
import { registerImport } from './commands/import.ts';
import { registerInit } from './commands/init.ts';
import { registerKeys } from './commands/keys.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerSafety } from './commands/safety.ts';
import { registerServe } from './commands/serve.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerTrain } from './commands/train.ts';

const program = new Command('moteur')
  .description('An open For You feed engine for short-video apps, with a verifiable audit trail.')
  .showHelpAfterError()
  // A mistake in the options exits with the usage code, not commander's 1 (which says a check failed).
  .exitOverride();

const commands: Array<(program: Command) => void> = [
  registerAb,
  registerAudit,
  registerCluster,
  registerConfig,
  registerDemo,
  registerEval,
  registerImport,
  registerInit,
  registerKeys,
  registerPolicy,
  registerSafety,
  registerServe,
  registerSimulate,
  registerTrain,
];
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Commander has printed what is wrong (or the help that was asked for).
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  // Expected failures (bad input, missing files) get one line, not a stack trace.
  if (err instanceof MoteurError) {
    console.error(`moteur: ${err.message}`);
    process.exit(exitCodeOf(err));
  }
  throw err;
}
