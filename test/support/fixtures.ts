/** Small generated data for tests: temporary directories and catalogs with known structure. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(prefix = 'moteur-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
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
export function event(userId: string, videoId: string, type: string, extra: Record<string, unknown> = {}) {
  eventCounter++;
  return { id: `ev-${process.pid}-${eventCounter}`, userId, videoId, type, ts: Date.now(), ...extra };
}
