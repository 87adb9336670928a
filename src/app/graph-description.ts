/**
 * A graph file saved beside the snapshot, with a JSON description beside it saying what the graph goes with.
 * The description is removed before the graph file is replaced and renamed into place last, so it only ever
 * names a whole graph file.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { PRIVATE_FILE } from '../core/private-files.ts';

/** Moves the graph just written to `temporary` into place, then writes its description (given the graph file's size). */
export function placeGraphFile(temporary: string, graphPath: string, descriptionPath: string, describe: (graphBytes: number) => object): void {
  rmSync(descriptionPath, { force: true });
  // Written by hnswlib with the process's umask: made private like every other file of the data directory.
  chmodSync(temporary, PRIVATE_FILE);
  renameSync(temporary, graphPath);
  writeFileSync(`${descriptionPath}.tmp`, JSON.stringify(describe(statSync(graphPath).size)), { mode: PRIVATE_FILE });
  renameSync(`${descriptionPath}.tmp`, descriptionPath);
}

/** The description of a graph file and that file's size; undefined when either is missing or the description is unreadable. */
export function readGraphDescription<T>(graphPath: string, descriptionPath: string): { description: T; graphBytes: number } | undefined {
  if (!existsSync(descriptionPath) || !existsSync(graphPath)) return undefined;
  try {
    return { description: JSON.parse(readFileSync(descriptionPath, 'utf8')) as T, graphBytes: statSync(graphPath).size };
  } catch {
    return undefined; // half-written or damaged: the graph is built again
  }
}
