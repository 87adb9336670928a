/** A mistake on the command line gets one line saying what is wrong and what to do, and its own exit code. */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { runMoteur } from '../support/cli.ts';
import { apiKey, tempDir } from '../support/fixtures.ts';

const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app', ['us']);
let server: RunningServer;

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: ['us'] });
});
after(() => server.close());

/** Runs the command and checks it printed exactly one line on stderr, no stack, and exited with `code`. */
async function oneLine(args: string[], code: number, says: RegExp): Promise<void> {
  const run = await runMoteur(args);
  const lines = run.stderr.trim().split('\n');
  assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
  assert.equal(lines.length, 1, `${args.join(' ')} printed more than one line: ${run.stderr}`);
  assert.match(lines[0]!, says, args.join(' '));
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'a stack trace');
}

test('serve on a port in use, train on a missing directory, an import whose rows are all rejected', async () => {
  const port = new URL(server.url).port;
  const missing = join(tempDir(), 'nowhere');
  const rows = join(tempDir(), 'events.jsonl');
  writeFileSync(rows, `${JSON.stringify({ id: 'e1', userId: 'u1', videoId: 'no-such-video', type: 'like', ts: 1 })}\n`);
  await Promise.all([
    oneLine(['serve', '--data', tempDir(), '--port', port], EXIT.inUse, new RegExp(`^moteur: port ${port} is already in use: .* --port`)),
    oneLine(['train', '--data', missing], EXIT.usage, /^moteur: .*nowhere holds no engine data: give the --data of/),
    oneLine(['import', '--data', tempDir(), '--events', rows], EXIT.nothingDone, /^moteur: every row was rejected and nothing was imported/),
  ]);
  assert.equal(existsSync(missing), false, 'train created the directory it was wrongly given');
});

test('audit watch: a malformed verifier key is a usage error, not an alert; no key, a refused key and a dead server each say so', async () => {
  const key = server.moteur.ledger.verifierKey();
  const watch = (url: string, ...extra: string[]) => ['audit', 'watch', '--url', url, '--key', key, '--state', join(tempDir(), 's.json'), ...extra];
  await Promise.all([
    oneLine(
      ['audit', 'watch', '--url', server.url, '--key', 'x', '--state', join(tempDir(), 's.json')],
      EXIT.usage,
      /^moteur: --key: the verifier key is not of the form/,
    ),
    oneLine(watch(server.url), EXIT.refused, /^moteur: no API key was given: give an auditor's key with --api-key/),
    oneLine(watch(server.url, '--api-key', 'mk_wrong'), EXIT.refused, /^moteur: the server refused the API key/),
    oneLine(
      watch('http://127.0.0.1:9', '--api-key', 'mk_wrong'),
      EXIT.unreachable,
      /^moteur: no moteur server answers at http:\/\/127\.0\.0\.1:9 .*check --url/,
    ),
  ]);
});

test('simulate asks the server which regions it serves before writing anything; keys are refused for regions a directory does not hold', async () => {
  await oneLine(
    ['simulate', '--url', server.url, '--key', appKey, '--sessions', '1'],
    EXIT.unreachable,
    /^moteur simulate: the server at .* serves us, not gb, fr, br; .* start it with --regions us,gb,fr,br$/,
  );
  assert.equal(server.moteur.catalog.size, 0, 'the simulator uploaded videos first');
  await oneLine(
    ['keys', 'create', '--data', dataDir, '--id', 'x', '--role', 'app', '--regions', 'us,mars'],
    EXIT.usage,
    /^moteur: --regions: .* holds no region mars \(it holds us\)/,
  );
});
