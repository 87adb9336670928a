import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMoteur } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

test('moteur serve: a cluster role without its services, or with a wrong URL, says what to pass', async () => {
  const data = tempDir();
  const cases: [string[], RegExp][] = [
    [['--role', 'api'], /--role api needs --store postgres:\/\/\.\.\. \(or MOTEUR_STORE\)/],
    [['--role', 'learner', '--store', 'postgres://127.0.0.1:1/none'], /--role learner needs --log nats:\/\/\.\.\. \(or MOTEUR_LOG\)/],
    [['--store', 'mysql://db/x'], /--store mysql:\/\/db\/x: expected a postgres:\/\/ URL/],
    [['--role', 'primary'], /argument 'primary' is invalid\. Allowed choices are all, api, learner/],
    [['--role', 'learner', '--shard', '2/2'], /option '--shard <i\/N>' argument '2\/2' is invalid\. --shard 2\/2: expected i\/N with 0 <= i < N/],
    [['--role', 'learner', '--shard', 'half'], /--shard half: expected i\/N with 0 <= i < N \(e\.g\. 0\/2\)/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runMoteur(['serve', '--data', data, '--port', '0', ...args]);
    assert.notEqual(code, 0, args.join(' '));
    assert.match(stderr, message);
  }
});
