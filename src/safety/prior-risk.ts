/**
 * Detection before reports: what moderators' removals say about videos nobody has reported yet. Most harm done by
 * a harmful video is done before its first report, so the engine learns from each removal two things it can apply
 * at once: the creator posts harm (their next videos wait for review), and what the removed video looks like
 * (a video whose content vector is close to several removed ones waits too). Only moderators' removals teach it:
 * nothing else about harm is known to the engine.
 */
import type { Video } from '../core/types.ts';
import type { SafetyConfig } from './config.ts';
import type { DecisionCategory } from './vocabulary.ts';

/** Why a video is suspect before any report: the queue and the hold's statement of reasons say it. */
export interface PriorSignal {
  category: DecisionCategory;
  explanation: string;
}

interface RemovedContent {
  vector: Float32Array;
  category: DecisionCategory;
}

export function unitVector(values: readonly number[]): Float32Array | undefined {
  const norm = Math.hypot(...values);
  return norm === 0 ? undefined : Float32Array.from(values, (x) => x / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export class PriorRisk {
  /** Per creator, the ids of their videos in force as removed. */
  private readonly removalsByCreator = new Map<string, Set<string>>();
  /** Removed videos' content, oldest first (a Map keeps insertion order), at most `remembered` of them. */
  private readonly removedContent = new Map<string, RemovedContent>();
  /** Per creator, their videos' ids: a removal puts the creator's other videos under review. */
  private readonly videosByCreator = new Map<string, Set<string>>();

  constructor(private readonly config: SafetyConfig['prior']) {}

  catalogued(video: Video): void {
    const ids = this.videosByCreator.get(video.creatorId) ?? new Set<string>();
    ids.add(video.id);
    this.videosByCreator.set(video.creatorId, ids);
  }

  videosBy(creatorId: string): ReadonlySet<string> {
    return this.videosByCreator.get(creatorId) ?? new Set();
  }

  /** A moderator removed the video: its creator and its content become evidence. */
  removed(video: Video, category: DecisionCategory): void {
    const ids = this.removalsByCreator.get(video.creatorId) ?? new Set<string>();
    ids.add(video.id);
    this.removalsByCreator.set(video.creatorId, ids);
    const vector = video.embedding === undefined ? undefined : unitVector(video.embedding);
    if (vector === undefined) return;
    this.removedContent.delete(video.id);
    this.removedContent.set(video.id, { vector, category });
    if (this.removedContent.size > this.config.remembered) this.removedContent.delete(this.removedContent.keys().next().value!);
  }

  /** A removal was reversed: the video is evidence of nothing. */
  restored(video: Video): void {
    this.removalsByCreator.get(video.creatorId)?.delete(video.id);
    this.removedContent.delete(video.id);
  }

  /** Why the video should wait for a moderator before reaching new people, or undefined when nothing points at harm. */
  assess(video: Video): PriorSignal | undefined {
    if (!this.config.enabled) return undefined;
    const removals = this.removalsByCreator.get(video.creatorId);
    const others = removals === undefined ? 0 : removals.size - (removals.has(video.id) ? 1 : 0);
    if (others >= this.config.creatorRemovals) {
      const category = this.removedContent.get([...removals!].find((id) => id !== video.id)!)?.category ?? 'other_violation_tc';
      return { category, explanation: `Held for review before reaching new people: ${others} other video(s) by the same creator were removed.` };
    }
    return this.resemblance(video);
  }

  /** The mean similarity of the video's content to its `neighbours` most similar removed videos, past `similarity`. */
  private resemblance(video: Video): PriorSignal | undefined {
    const { neighbours, similarity } = this.config;
    if (video.embedding === undefined || this.removedContent.size < neighbours) return undefined;
    const vector = unitVector(video.embedding);
    if (vector === undefined) return undefined;
    const nearest: { similarity: number; category: DecisionCategory }[] = [];
    for (const [id, removed] of this.removedContent) {
      if (id === video.id) continue;
      nearest.push({ similarity: dot(vector, removed.vector), category: removed.category });
    }
    nearest.sort((a, b) => b.similarity - a.similarity);
    const top = nearest.slice(0, neighbours);
    if (top.length < neighbours) return undefined;
    const mean = top.reduce((sum, n) => sum + n.similarity, 0) / top.length;
    if (mean < similarity) return undefined;
    return {
      category: top[0]!.category,
      explanation: `Held for review before reaching new people: its content is close to ${neighbours} removed videos (mean similarity ${mean.toFixed(2)}, threshold ${similarity}).`,
    };
  }
}
