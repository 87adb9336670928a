// Types of merkle-proofs.js, which the browser loads as it is.
export type Verdict = { ok: true } | { ok: false; reason: string };
type NodeHashWalk = Generator<[Uint8Array, Uint8Array], Verdict, Uint8Array>;
export function inclusionWalk(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): NodeHashWalk;
export function consistencyWalk(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: Uint8Array[]): NodeHashWalk;
export function runWalk(walk: NodeHashWalk, nodeHash: (left: Uint8Array, right: Uint8Array) => Uint8Array): Verdict;
export function runWalkAsync(walk: NodeHashWalk, nodeHash: (left: Uint8Array, right: Uint8Array) => Promise<Uint8Array>): Promise<Verdict>;
