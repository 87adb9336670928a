/** Small generated data for tests: temporary directories and catalogs with known structure. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after } from 'node:test';
import { join } from 'node:path';
import { createMasterKey, masterKeyFileIn } from '../../src/trust/crypto/master-key.ts';
import { createKey, keysFileIn } from '../../src/trust/policy/keys.ts';
import type { Role } from '../../src/trust/policy/vocabulary.ts';

/** A fresh temporary directory, removed when the test file's process exits (after every `after` hook has closed what used it). */
const madeDirs: string[] = [];
// One listener for every directory: a listener each would trip Node's leak warning past ten.
process.on('exit', () => {
  for (const dir of madeDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Left in the temporary directory: clearing up never fails a test.
    }
  }
});

export function tempDir(prefix = 'moteur-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

/** A new cluster master key (what `moteur keys master create` makes), in a fresh directory: its path. */
export function clusterMasterKey(): string {
  const file = masterKeyFileIn(tempDir());
  createMasterKey(file);
  return file;
}

export interface VideoSpec {
  id: string;
  creatorId: string;
  durationMs: number;
  soundId: string;
  hashtags: string[];
  caption: string;
}

/** `count` videos spread over `creators` creators and `sounds` sounds, ids v0..v(count-1). */
export function videos(count: number, creators = 20, sounds = 13): VideoSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `v${i}`,
    creatorId: `c${i % creators}`,
    durationMs: 10_000 + (i % 7) * 5_000,
    soundId: `s${i % sounds}`,
    hashtags: [`topic${i % 5}`],
    caption: `video number ${i}`,
  }));
}

let eventCounter = 0;
/** An event to send; its type stays a literal, so the typed client checks it. */
export function event<Type extends string>(userId: string, videoId: string, type: Type, extra: Record<string, unknown> = {}) {
  eventCounter++;
  return { id: `ev-${process.pid}-${eventCounter}`, userId, videoId, type, ts: Date.now(), ...extra };
}

/** Regions test servers serve: those of the simulator's people, and `eu`. */
export const TEST_REGIONS = ['us', 'gb', 'fr', 'br', 'eu'];

/**
 * Creates an API key in a data directory's keys file and returns it. A server reads the file when it
 * starts (or reloads), so make keys before starting one.
 */
export function apiKey(dataDir: string, role: Role = 'app', regions: readonly string[] = TEST_REGIONS, id = `test-${role}`): string {
  return createKey(keysFileIn(dataDir), { id, role, regions });
}

/**
 * Something to close when the test ends: what is registered later closes first (nodes stop before their
 * schemas and streams are dropped, by hooks registered before them).
 */
export function closeAfterTest(): (close: () => Promise<void>) => void {
  const closing: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closing.reverse()) await close();
  });
  return (close) => void closing.push(close);
}
