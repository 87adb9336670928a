/** The page's selection as composed parts: who has first choice of a slot, and rules that hold whoever picks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Video } from '../../src/core/types.ts';
import type { Candidate, FeedRequest } from '../../src/feed/pipeline.ts';
import { bestScored } from '../../src/feed/select/best-scored.ts';
import { explorationSlots } from '../../src/feed/select/exploration-slots.ts';
import { followedSlots } from '../../src/feed/select/followed-slots.ts';
import { noRepeatRule } from '../../src/feed/select/no-repeat.ts';
import type { PlacementRule } from '../../src/feed/select/selector.ts';
import { SlotSelection } from '../../src/feed/select/slot-selection.ts';

function candidate(id: string, source: string, score: number, creatorId = `creator-of-${id}`): Candidate {
  const video: Video = {
    id,
    creatorId,
    durationMs: 10_000,
    createdAt: 0,
    caption: '',
    hashtags: [],
    soundId: '',
    language: '',
    region: 'global',
    status: 'active',
  };
  return { video, source, score, reasons: [source], signals: {} };
}

function request(n: number, explain = false): FeedRequest {
  return {
    user: { id: 'u', region: 'global', language: '', createdAt: 0, settings: { personalized: true, keywordFilters: [] } },
    personalized: true,
    seen: new Set(),
    n,
    explain,
    random: () => 0,
    minor: false,
    now: 0,
  };
}

const ids = (page: Candidate[]) => page.map((c) => c.video.id);

test('exploration has first choice of its share of slots; the others go to followed, then best-scored, then exploration', () => {
  const selection = new SlotSelection({
    selectors: [
      followedSlots('followed', 1),
      bestScored(['explore']),
      explorationSlots({ sources: ['explore'], share: 0.5, isExploring: () => false, uniformShare: 1 }),
    ],
    rules: [noRepeatRule],
  });
  const candidates = [
    candidate('a1', 'trending', 5),
    candidate('a2', 'trending', 4),
    candidate('f1', 'followed', 1),
    candidate('f2', 'followed', 0.5),
    candidate('e1', 'explore', 0),
    candidate('e2', 'explore', 0),
  ];
  const { page, filledBy } = selection.select(request(6), candidates);
  // Slot 0 is not exploration's: the one followed slot goes first; slots 1, 3 and 5 are exploration's while it has draws.
  assert.deepEqual(ids(page), ['f1', 'e1', 'a1', 'e2', 'a2', 'f2']);
  assert.deepEqual(filledBy, { followed: 1, 'best-scored': 3, exploration: 2 });
});

test('placement rules hold whichever selector picks, and a told rule says what it held back', () => {
  const heldBack: PlacementRule = { name: 'hold-a2', told: true, blocks: (_request, _page, c) => (c.video.id === 'a2' ? 'not now' : undefined) };
  const selection = new SlotSelection({ selectors: [bestScored()], rules: [heldBack, noRepeatRule] });
  // a1 and b1 share a creator; a2 scores second best but is held back.
  const candidates = [
    candidate('a1', 'trending', 5, 'same'),
    candidate('b1', 'trending', 4.5, 'same'),
    candidate('a2', 'trending', 4.8),
    candidate('c1', 'trending', 1),
  ];
  const { page } = selection.select(request(4, true), candidates);
  assert.deepEqual(ids(page), ['a1', 'c1', 'b1']);
  // In slot 1, b1 (same creator as a1) is passed over without a word; a2 is held back by the told rule.
  assert.equal(page[1]!.dispersal, 'placed instead of a2: not now');
  assert.equal(page[0]!.dispersal, undefined);
});

test('the page ends early when no selector finds a candidate the rules allow', () => {
  const selection = new SlotSelection({ selectors: [bestScored()], rules: [noRepeatRule] });
  const candidates = [candidate('a1', 'trending', 2, 'same'), candidate('a2', 'trending', 1, 'same')];
  const { page, filledBy } = selection.select(request(5), candidates);
  assert.deepEqual(ids(page), ['a1']);
  assert.deepEqual(filledBy, { 'best-scored': 1 });
});
