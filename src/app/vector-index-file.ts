/**
 * The learners' HNSW graph saved beside their snapshot, so a start loads it instead of building it again
 * (about 20 s at 100k videos): `<snapshot>.hnsw` holds the graph as hnswlib writes it, `<snapshot>.hnsw.json`
 * which snapshot it goes with (log position and size), the graph file's size and the slots marked deleted.
 * The description is renamed into place last, so it only ever names a whole graph file; a graph that does not
 * go with the snapshot being loaded is ignored and the graph is built from the vectors as before. A loaded
 * graph is checked against the restored vectors at its first sync (see VideoVectors.loadGraph), so the graph
 * always answers for the vectors of the snapshot plus the replayed log.
 */
import { rmSync } from 'node:fs';
import type { OnlineLearners } from '../learn/online/learners.ts';
import { placeGraphFile, readGraphDescription } from './graph-description.ts';

/** Which snapshot a graph goes with: its log position and its size in bytes. */
export interface SnapshotStamp {
  seq: number;
  bytes: number;
}

interface Description {
  format: 1;
  snapshot: SnapshotStamp;
  graphBytes: number;
  deleted: number[];
}

const graphPath = (snapshotPath: string) => `${snapshotPath}.hnsw`;
const descriptionPath = (snapshotPath: string) => `${snapshotPath}.hnsw.json`;

/** Saves the graph for the snapshot just written (nothing when there is no graph yet); returns whether it did. */
export async function saveVectorIndex(learners: OnlineLearners, snapshotPath: string, snapshot: SnapshotStamp): Promise<boolean> {
  const temporary = `${graphPath(snapshotPath)}.tmp`;
  const deleted = await learners.saveVectorIndex(temporary);
  if (deleted === undefined) return false;
  placeGraphFile(
    temporary,
    graphPath(snapshotPath),
    descriptionPath(snapshotPath),
    (graphBytes): Description => ({ format: 1, snapshot, graphBytes, deleted }),
  );
  return true;
}

/** Loads the graph saved with this snapshot into the learners; false (nothing loaded) when there is none that goes with it. */
export async function loadVectorIndex(learners: OnlineLearners, snapshotPath: string, snapshot: SnapshotStamp): Promise<boolean> {
  const read = readGraphDescription<Description>(graphPath(snapshotPath), descriptionPath(snapshotPath));
  if (read === undefined) return false;
  const { description, graphBytes } = read;
  const matches =
    description.format === 1 &&
    description.snapshot?.seq === snapshot.seq &&
    description.snapshot.bytes === snapshot.bytes &&
    description.graphBytes === graphBytes;
  if (!matches) return false;
  try {
    await learners.loadVectorIndex(graphPath(snapshotPath), description.deleted);
  } catch {
    return false; // a damaged graph file: built again from the vectors
  }
  return true;
}

/** Removes the graph files (with the snapshot they go with). */
export function removeVectorIndex(snapshotPath: string): void {
  for (const path of [descriptionPath(snapshotPath), graphPath(snapshotPath)]) rmSync(path, { force: true });
}
