/**
 * The content embeddings' HNSW graph saved when the engine closes, so the next start reads it instead of
 * building it again (about 3 minutes at a million videos): `<snapshot>.content.hnsw` holds the graph as hnswlib
 * writes it, `<snapshot>.content.hnsw.json` each row's video and a hash of its vector, for the graph file of
 * that size (see graph-description.ts). A start checks every video of the catalog against it
 * (see EmbeddingIndex.loadGraph), so a graph written before later changes (or before a crash) still answers for
 * the catalog as it is; a file that cannot be read, or that most of the catalog changed since, is ignored and
 * the graph is built as before.
 */
import type { EmbeddingIndex } from '../feed/embedding-index.ts';
import { placeGraphFile, readGraphDescription } from './graph-description.ts';

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
  const { buffer, byteOffset, byteLength } = saved.hashes;
  const hashes = Buffer.from(buffer, byteOffset, byteLength).toString('base64');
  placeGraphFile(
    temporary,
    graphPath(snapshotPath),
    descriptionPath(snapshotPath),
    (graphBytes): Description => ({ format: 1, dim: index.dim, graphBytes, ids: saved.ids, hashes }),
  );
  return true;
}

/** Loads the saved graph into an index holding the catalog's videos; false (nothing loaded) when there is none to use. */
export function loadContentIndex(index: EmbeddingIndex, snapshotPath: string): boolean {
  const read = readGraphDescription<Description>(graphPath(snapshotPath), descriptionPath(snapshotPath));
  if (read === undefined) return false;
  const { description, graphBytes } = read;
  if (
    description.format !== 1 ||
    description.dim !== index.dim ||
    description.graphBytes !== graphBytes ||
    !Array.isArray(description.ids) ||
    typeof description.hashes !== 'string'
  )
    return false;
  const bytes = Buffer.from(description.hashes, 'base64');
  if (bytes.length !== 4 * description.ids.length) return false;
  // Copied into an aligned buffer: a Uint32Array cannot start at an odd offset of the pooled one.
  const hashes = new Uint32Array(description.ids.length);
  new Uint8Array(hashes.buffer).set(bytes);
  try {
    return index.loadGraph(graphPath(snapshotPath), { ids: description.ids, hashes });
  } catch {
    return false; // a damaged graph file: built again from the catalog
  }
}
