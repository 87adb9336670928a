import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MoteurError } from '../../core/errors.ts';
import { DEFAULT_ORIGIN, loadLedgerSecrets } from '../../trust/ledger/ledger.ts';
import { verifyConsistency, verifyInclusion, type Verdict } from '../../trust/ledger/merkle.ts';
import { parseVerifierKey, verifierKey, verifyNote } from '../../trust/ledger/note.ts';
import { watchLedger } from '../../trust/ledger/watch.ts';
import { messageOf } from '../../core/thrown.ts';

function readInput(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new MoteurError('unreadable', `${path}: ${messageOf(err)}`);
  }
}

/** A proof in the JSON form of transparency-dev/merkle's test data, hashes in base64. */
function checkProofFile(path: string): Verdict {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(readInput(path)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof MoteurError) throw err;
    throw new MoteurError('unreadable', `${path}: not valid JSON`);
  }
  const hash = (x: unknown) => Buffer.from(typeof x === 'string' ? x : '', 'base64');
  const proof = (Array.isArray(v.proof) ? v.proof : []).map(hash);
  if ('leafIdx' in v) return verifyInclusion(Number(v.leafIdx), Number(v.treeSize), hash(v.leafHash), proof, hash(v.root));
  if ('size1' in v) return verifyConsistency(Number(v.size1), Number(v.size2), hash(v.root1), hash(v.root2), proof);
  throw new MoteurError(
    'unreadable',
    `${path}: neither an inclusion proof (leafIdx, treeSize, leafHash, root, proof) nor a consistency proof (size1, size2, root1, root2, proof)`,
  );
}

/** A malformed `--key` is a mistake in the command (exit 2), not an alert about the ledger (exit 1). */
function assertVerifierKey(text: string): void {
  const parsed = parseVerifierKey(text);
  if (typeof parsed === 'string')
    throw new MoteurError('invalid_field', `--key: ${parsed}; print it with 'moteur audit key --data DIR' on the server`, { field: 'key' });
}

function report(verdict: Verdict, what: string): void {
  if (verdict.ok) {
    console.log(`valid: ${what}`);
  } else {
    console.log(`invalid: ${verdict.reason}`);
    process.exitCode = 1;
  }
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description("Verify the audit ledger's proofs and signed checkpoints");
  audit
    .command('verify-proof <file>')
    .description('Check an RFC 9162 inclusion or consistency proof (transparency-dev/merkle JSON form); exit 0 valid, 1 invalid, 2 unreadable')
    .action((file: string) => report(checkProofFile(file), file));
  audit
    .command('verify-note <file>')
    .description('Check the signature of a C2SP signed note (such as a checkpoint) with a verifier key')
    .requiredOption('--key <verifier-key>', 'the verifier key, name+keyid+base64')
    .action((file: string, opts: { key: string }) => {
      assertVerifierKey(opts.key);
      report(verifyNote(readInput(file), opts.key), `${file} is signed by ${opts.key.split('+')[0]}`);
    });
  audit
    .command('watch')
    .description(
      "The auditor's check: the checkpoint is signed, extends the last one seen (kept in --state), and with --entries every entry re-hashes to its root",
    )
    .requiredOption('--url <url>', 'base URL of the moteur server')
    .requiredOption('--key <verifier-key>', 'the verifier key, name+keyid+base64')
    .requiredOption('--state <file>', 'where the last verified checkpoint is kept (created on first run)')
    .option('--api-key <key>', 'an API key with the auditor role (default: $MOTEUR_API_KEY)')
    .option('--entries', 're-fetch and re-hash every entry', false)
    .action(async (opts: { url: string; key: string; state: string; entries: boolean; apiKey?: string }) => {
      assertVerifierKey(opts.key);
      const result = await watchLedger(opts.url.replace(/\/$/, ''), opts.key, opts.state, opts.entries, opts.apiKey ?? process.env.MOTEUR_API_KEY);
      if (result.ok) {
        console.log(`ok: ${result.state.origin} at size ${result.state.size}${opts.entries ? `, ${result.checkedEntries} entries re-hashed` : ''}`);
      } else {
        console.log(`ALERT: ${result.reason}${result.firstBadIndex === undefined ? '' : ` (first bad index ${result.firstBadIndex})`}`);
        process.exitCode = 1;
      }
    });
  audit
    .command('key')
    .description("Print the verifier key of a data directory's ledger (what auditors need)")
    .requiredOption('--data <dir>', 'data directory')
    .option('--ledger-keys <dir>', "where the ledger's signing key is, as given to serve (default: ledger/ in --data)")
    .action((opts: { data: string; ledgerKeys?: string }) => {
      console.log(verifierKey(DEFAULT_ORIGIN, loadLedgerSecrets(opts.ledgerKeys ?? join(opts.data, 'ledger')).key));
    });
}
