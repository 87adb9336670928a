// The auditor's verification, step by step: every figure below is computed here from what the server sent.
import { api } from './api.js';
import { entryBytes, fromBase64, leafHash, rootOf, toBase64, verifyCheckpoint, verifyConsistency, verifyInclusion } from './ledger-verify.js';

const LAST_VERIFIED = 'moteur.lastVerifiedCheckpoint';
const MAX_PREFIX = 1000;

/** Runs every check in turn, stopping at the first that fails; `{ok, steps: [{ok, text}]}`. */
export async function verifyLedger(keyText, entries) {
  const steps = [];
  const step = (ok, text) => (steps.push({ ok, text }), ok);
  const done = () => ({ ok: steps.every((s) => s.ok), steps });
  try {
    const checkpoint = await verifyCheckpoint(await api('/v1/ledger/checkpoint', { text: true }), keyText);
    if (
      !step(
        checkpoint.ok,
        checkpoint.ok
          ? `Checkpoint signature verifies (Ed25519, WebCrypto): ${checkpoint.origin}, ${checkpoint.size} entries, root ${toBase64(checkpoint.root).slice(0, 16)}…`
          : `Checkpoint: ${checkpoint.reason}`,
      )
    )
      return done();
    const { size, root } = checkpoint;

    // Consistency: from the checkpoint this browser verified last, else from a prefix re-hashed here.
    const last = JSON.parse(localStorage.getItem(LAST_VERIFIED) ?? 'null');
    let earlier;
    if (last && last.origin === checkpoint.origin && last.size <= size && last.size > 0) {
      earlier = { size: last.size, root: fromBase64(last.root), what: `the checkpoint this browser verified last (${last.size} entries)` };
    } else {
      const prefix = Math.min(Math.max(1, Math.floor(size / 2)), MAX_PREFIX);
      const { entries: first } = await api(`/v1/ledger/entries?start=0&end=${prefix}`);
      const recomputed = await rootOf(await Promise.all(first.map(({ entry }) => leafHash(entryBytes(entry)))));
      step(true, `Re-hashed the first ${prefix} entries here: root ${toBase64(recomputed).slice(0, 16)}…`);
      earlier = { size: prefix, root: recomputed, what: `those ${prefix} entries` };
    }
    const consistency = await api(`/v1/ledger/proofs/consistency?from=${earlier.size}&to=${size}`);
    const consistent = await verifyConsistency(earlier.size, size, earlier.root, root, consistency.proof.map(fromBase64));
    if (
      !step(
        consistent.ok,
        consistent.ok
          ? `Consistency: the signed tree extends ${earlier.what} (${consistency.proof.length} hashes)`
          : `Consistency with ${earlier.what}: ${consistent.reason}`,
      )
    )
      return done();

    // Inclusion: each entry shown, re-hashed here, leads to the signed root.
    const inTree = entries.filter((e) => e.index < size);
    for (const { index, entry } of inTree) {
      const proof = await api(`/v1/ledger/proofs/inclusion?index=${index}&size=${size}`);
      const included = await verifyInclusion(index, size, await leafHash(entryBytes(entry)), proof.proof.map(fromBase64), root);
      if (!included.ok) {
        step(false, `Inclusion of entry ${index} (${entry.action}, ${entry.decision}): ${included.reason}`);
        return done();
      }
    }
    step(true, `Inclusion: ${inTree.length} entries shown, each re-hashed here, are in the signed tree`);
    localStorage.setItem(LAST_VERIFIED, JSON.stringify({ origin: checkpoint.origin, size, root: toBase64(root) }));
  } catch (err) {
    step(false, `Could not finish: ${err.message}`);
  }
  return done();
}
