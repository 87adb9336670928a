/** `moteur policy check`: load and validate a policy directory the way a server would, before deploying it. */
import type { Command } from 'commander';
import { DEFAULT_POLICY_DIR, loadPolicyFiles } from '../../trust/policy/policy-files.ts';

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('Access policies (Cedar) in a policy directory');
  policy
    .command('check')
    .description('Parse and validate every *.cedar file against schema.cedarschema; print the version and the policy ids')
    .option('--dir <dir>', 'policy directory (default: the policies shipped with moteur)', DEFAULT_POLICY_DIR)
    .action((opts: { dir: string }) => {
      const files = loadPolicyFiles(opts.dir);
      console.log(`version ${files.version}`);
      console.log(`label   ${files.label}`);
      for (const [id, file] of Object.entries(files.sourceOf)) console.log(`${id}\t${file}`);
    });
}
