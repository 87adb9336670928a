import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMoteur } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

test("moteur keys: a node's keys file or a cluster's store, one of them, else one line saying so", async () => {
  const cases: [string[], RegExp][] = [
    [['keys', 'list'], /^moteur: give --data DIR \(a single node's keys\) or --store postgres:\/\/\.\.\. \(a cluster's\), one of them\n$/],
    [['keys', 'list', '--data', tempDir(), '--store', 'postgres://127.0.0.1:1/x'], /one of them\n$/],
    [['keys', 'revoke', '0123abcd', '--store', 'mysql://db/x'], /^moteur: --store mysql:\/\/db\/x: .*a PostgreSQL URL starts with postgres:\/\/\n$/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runMoteur(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, message);
  }
});
