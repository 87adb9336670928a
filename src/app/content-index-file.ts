/**
 * The content embeddings' HNSW graph saved when the engine closes, so the next start reads it instead of
 * building it again (about 3 minutes at a million videos): `<snapshot>.content.hnsw` holds the graph as hnswlib
 * writes it, `<snapshot>.content.hnsw.json` each row's video and a hash of its vector, for the graph file of
 * that size. The description is renamed into place last. A start checks every video of the catalog against it
 * (see EmbeddingIndex.loadGraph), so a graph written before later changes (or before a crash) still answers for
 * the catalog as it is; a file that cannot be read is ignored and the graph is built as before.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { EmbeddingIndex } from '../feed/embedding-index.ts';

interface Description {
  format: 1;
  dim: number;
  graphBytes: number;
  ids: (string | null)[];
  /** Base64 of the rows' vector hashes (a Uint32Array). */
  hashes: string;
}

const graphPath = (snapshotPath: string) => `${snapshotPath}.content.hnsw`;
const descriptionPath = (snapshotPath: string) => `${snapshotPath}.content.hnsw.json`;

/** Saves the graph beside the snapshot (nothing when the catalog is too small to have one); returns whether it did. */
export function saveContentIndex(index: EmbeddingIndex, snapshotPath: string): boolean {
  const temporary = `${graphPath(snapshotPath)}.tmp`;
  const saved = index.saveGraph(temporary);
  if (saved === undefined) return false;
  rmSync(descriptionPath(snapshotPath), { force: true });
  renameSync(temporary, graphPath(snapshotPath));
  const { buffer, byteOffset, byteLength } = saved.hashes;
  const description: Description = {
    format: 1,
    dim: index.dim,
    graphBytes: statSync(graphPath(snapshotPath)).size,
    ids: saved.ids,
    hashes: Buffer.from(buffer, byteOffset, byteLength).toString('base64'),
  };
  writeFileSync(`${descriptionPath(snapshotPath)}.tmp`, JSON.stringify(description));
  renameSync(`${descriptionPath(snapshotPath)}.tmp`, descriptionPath(snapshotPath));
  return true;
}

/** Loads the saved graph into an index holding the catalog's videos; false (nothing loaded) when there is none to use. */
export function loadContentIndex(index: EmbeddingIndex, snapshotPath: string): boolean {
  if (!existsSync(descriptionPath(snapshotPath)) || !existsSync(graphPath(snapshotPath))) return false;
  let description: Description;
  try {
    description = JSON.parse(readFileSync(descriptionPath(snapshotPath), 'utf8')) as Description;
  } catch {
    return false; // unreadable: built again from the catalog
  }
  if (description.format !== 1 || description.dim !== index.dim || description.graphBytes !== statSync(graphPath(snapshotPath)).size) return false;
  const bytes = Buffer.from(description.hashes, 'base64');
  if (bytes.length !== 4 * description.ids.length) return false;
  // Copied into an aligned buffer: a Uint32Array cannot start at an odd offset of the pooled one.
  const hashes = new Uint32Array(description.ids.length);
  new Uint8Array(hashes.buffer).set(bytes);
  try {
    index.loadGraph(graphPath(snapshotPath), { ids: description.ids, hashes });
  } catch {
    return false; // a damaged graph file: built again from the catalog
  }
  return true;
}
