/**
 * The auditor's check of a running ledger, with nothing but its verifier key: the checkpoint is signed,
 * consistent with the last one seen, and (optionally) every entry served re-hashes to its root.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MoteurError } from '../../core/errors.ts';
import { canonicalEntry, type LedgerEntry } from './ledger.ts';
import { EMPTY_ROOT, leafHash, nodeHash, splitPoint, verifyConsistency, verifyInclusion } from './merkle.ts';
import { verifyNote } from './note.ts';
import { causeMessageOf } from '../../core/thrown.ts';

export interface WatchState {
  origin: string;
  size: number;
  root: string;
}

export type WatchResult = { ok: true; state: WatchState; checkedEntries: number } | { ok: false; reason: string; firstBadIndex?: number };

/** One GET; a server that does not answer, or refuses the API key, is a MoteurError saying what to do. */
async function getText(url: string, apiKey: string | undefined): Promise<string> {
  const res = await fetch(url, apiKey === undefined ? {} : { headers: { authorization: `Bearer ${apiKey}` } }).catch((err: unknown) => {
    throw new MoteurError('server_unreachable', `no moteur server answers at ${new URL(url).origin} (${causeMessageOf(err)}): check --url`);
  });
  const text = await res.text();
  if (res.status === 401 || res.status === 403) {
    const given = apiKey === undefined ? 'no API key was given' : 'the server refused the API key';
    throw new MoteurError(
      res.status === 401 ? 'unauthenticated' : 'forbidden',
      `${given}: give an auditor's key with --api-key or MOTEUR_API_KEY ('moteur keys create --role auditor')`,
    );
  }
  if (res.status !== 200) throw new MoteurError('server_unreachable', `${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

function rootOf(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** `apiKey` is the auditor's API key (role `auditor`), which the server asks for; `key` is the ledger's verifier key. */
export async function watchLedger(baseUrl: string, key: string, statePath: string, checkEntries: boolean, apiKey?: string): Promise<WatchResult> {
  const get = (path: string) => getText(`${baseUrl}${path}`, apiKey);
  const note = await get('/v1/ledger/checkpoint');
  const signed = verifyNote(note, key);
  if (!signed.ok) return { ok: false, reason: `checkpoint: ${signed.reason}` };
  const [origin, sizeText, rootB64] = signed.body!.split('\n');
  const size = Number(sizeText);
  const root = Buffer.from(rootB64 ?? '', 'base64');
  if (!origin || !Number.isSafeInteger(size) || root.length !== 32) return { ok: false, reason: 'checkpoint: the body is not origin, size, root' };

  const previous = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as WatchState) : undefined;
  if (previous !== undefined) {
    if (previous.origin !== origin) return { ok: false, reason: `the log's origin changed from ${previous.origin} to ${origin}` };
    if (size < previous.size) return { ok: false, reason: `the log shrank from ${previous.size} to ${size} entries` };
    if (previous.size > 0) {
      const proof = (JSON.parse(await get(`/v1/ledger/proofs/consistency?from=${previous.size}&to=${size}`)) as { proof: string[] }).proof;
      const verdict = verifyConsistency(
        previous.size,
        size,
        Buffer.from(previous.root, 'base64'),
        root,
        proof.map((p) => Buffer.from(p, 'base64')),
      );
      if (!verdict.ok) return { ok: false, reason: `the log is not an extension of the checkpoint seen before (size ${previous.size}): ${verdict.reason}` };
    }
  }

  let checkedEntries = 0;
  if (checkEntries) {
    const leaves: Buffer[] = [];
    for (let start = 0; start < size; start += 1000) {
      const page = JSON.parse(await get(`/v1/ledger/entries?start=${start}&end=${Math.min(size, start + 1000)}`)) as { entries: { entry: LedgerEntry }[] };
      for (const { entry } of page.entries) leaves.push(leafHash(canonicalEntry(entry)));
    }
    if (!rootOf(leaves).equals(root)) {
      // Locate the first entry whose served content is not what the signed tree holds.
      for (let index = 0; index < size; index++) {
        const proof = (JSON.parse(await get(`/v1/ledger/proofs/inclusion?index=${index}&size=${size}`)) as { proof: string[] }).proof;
        if (
          !verifyInclusion(
            index,
            size,
            leaves[index]!,
            proof.map((p) => Buffer.from(p, 'base64')),
            root,
          ).ok
        ) {
          return { ok: false, reason: `entry ${index} does not match the signed checkpoint`, firstBadIndex: index };
        }
      }
      return { ok: false, reason: 'the entries do not hash to the signed root' };
    }
    checkedEntries = leaves.length;
  }
  const state: WatchState = { origin, size, root: root.toString('base64') };
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  return { ok: true, state, checkedEntries };
}
