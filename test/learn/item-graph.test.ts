import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackgroundGraph } from '../../src/learn/retrained/background-graph.ts';
import { DEFAULT_ITEM_GRAPH, trainItemGraph, type GraphTrainingData } from '../../src/learn/retrained/item-graph.ts';
import { DEFAULT_GRAPH_WEIGHTS, PersonGraphScores, type GraphWeights } from '../../src/learn/retrained/person-graph-scores.ts';
import { until } from '../support/until.ts';

/**
 * Two blocks of 10 videos; each person engages with 4 videos of one block (two people in three with the first). Content vectors name the block, and
 * videos 9 and 19 have no engagement at all: only their content can place them.
 */
function blocks(people = 30): GraphTrainingData {
  const rows: number[][] = [];
  for (let p = 0; p < people; p++) {
    // Blocks of unequal audiences: the graph's directions must not mix blocks of equal weight.
    const block = p % 3 === 0 ? 1 : 0;
    rows.push([0, 1, 2, 3].map((k) => block * 10 + ((p + k * 2) % 9)));
  }
  const personStart = new Int32Array(rows.length + 1);
  rows.forEach((row, p) => (personStart[p + 1] = personStart[p]! + row.length));
  const contentDim = 4;
  const content = new Float32Array(20 * contentDim);
  for (let v = 0; v < 20; v++) {
    const block = Math.floor(v / 10);
    content[v * contentDim + block] = 0.9;
    content[v * contentDim + 2 + (v % 2)] = Math.sqrt(1 - 0.81);
  }
  return {
    videoCount: 20,
    personStart,
    videos: Int32Array.from(rows.flat()),
    contentDim,
    content,
    options: { ...DEFAULT_ITEM_GRAPH, lowPassRank: 4, contentNeighbours: 5 },
  };
}

const blockOf = (slot: number) => Math.floor(slot / 10);

test('the walk links videos only through people who engaged with both; the content graph links by embedding', () => {
  const graph = trainItemGraph(blocks());
  assert.equal(graph.people, 30);
  assert.equal(graph.engagements, 120);
  for (let v = 0; v < 20; v++) {
    for (let r = v * graph.walk.k; r < (v + 1) * graph.walk.k && graph.walk.targets[r]! >= 0; r++) {
      assert.equal(blockOf(graph.walk.targets[r]!), blockOf(v), `walk link ${v} -> ${graph.walk.targets[r]}`);
      assert.notEqual(graph.walk.targets[r], v);
    }
  }
  // Unengaged videos have no walk links, but content links to their block.
  assert.equal(graph.walk.targets[9 * graph.walk.k], -1);
  const contentOf9 = Array.from(graph.content!.targets.subarray(9 * graph.content!.k, 10 * graph.content!.k)).filter((t) => t >= 0);
  assert.ok(contentOf9.length > 0 && contentOf9.every((t) => blockOf(t) === 0), `content links of 9: ${contentOf9}`);
  assert.ok(graph.lowPass !== undefined && graph.lowPass.videos.length === 18, 'the filter covers the 18 engaged videos');
  // EASE's links, learned while few videos are engaged with, stay within blocks too.
  const ease = graph.ease!;
  const easeLinks = Array.from({ length: 20 }, (_, v) => Array.from(ease.targets.subarray(v * ease.k, (v + 1) * ease.k)).filter((t) => t >= 0));
  assert.ok(easeLinks[0]!.length > 0);
  easeLinks.forEach((links, v) =>
    assert.ok(
      links.every((t) => blockOf(t) === blockOf(v) && t !== v),
      `EASE links of ${v}: ${links}`,
    ),
  );
  assert.equal(trainItemGraph({ ...blocks(), options: { ...blocks().options, easeMaxVideos: 17 } }).ease, undefined, 'more engaged videos than EASE may take');
});

/** A graph score's ceiling: EASE's weight adds to that of the views every catalog has (person-graph-scores.ts). */
const { walk, lowPass, content, ease } = DEFAULT_GRAPH_WEIGHTS;
const MAX_SCORE = 1 + ease / (walk + lowPass + content);

test('a person’s best videos are new videos of their own block, scores in [0, 1 + EASE’s share], and content reaches the unengaged video', () => {
  const graph = trainItemGraph(blocks());
  const scores = new PersonGraphScores(graph, DEFAULT_GRAPH_WEIGHTS).compute([0, 3, 6]);
  const best = scores.best(7, () => true);
  assert.equal(best.length, 7);
  for (const { slot, score } of best) {
    assert.equal(blockOf(slot), 0, `slot ${slot} is of the other block`);
    assert.ok(![0, 3, 6].includes(slot), 'a video of the history is never proposed');
    assert.ok(score > 0 && score <= MAX_SCORE + 1e-9);
  }
  assert.ok(
    best.some((b) => b.slot === 9),
    'the unengaged video 9 is reached through its content',
  );
  assert.ok(scores.score(15) < 1e-6, `the other block’s video 15 scores ${scores.score(15)}`);
  // The filter passed to best() is honoured, and a new history replaces the previous one entirely.
  assert.ok(scores.best(20, (slot) => slot % 2 === 1).every((b) => b.slot % 2 === 1));
  scores.compute([11, 12]);
  assert.ok(scores.best(5, () => true).every((b) => blockOf(b.slot) === 1));
  assert.ok(scores.score(1) < 1e-6, `the other block's video 1 scores ${scores.score(1)}`);
});

test("a score stays in [0, 1 + EASE's share] for every video, the person's own history included", () => {
  // Twenty people share videos 0 and 1, one goes on to 2: for someone with 0 and 1, video 2 is the best new one,
  // while 0 and 1 link each other far more strongly.
  const rows = [...Array.from({ length: 20 }, () => [0, 1]), [1, 2], [3, 4]];
  const personStart = new Int32Array(rows.length + 1);
  rows.forEach((row, p) => (personStart[p + 1] = personStart[p]! + row.length));
  const options = { ...DEFAULT_ITEM_GRAPH, lowPassRank: 2, contentNeighbours: 0 };
  const graph = trainItemGraph({ videoCount: 5, personStart, videos: Int32Array.from(rows.flat()), contentDim: 1, content: new Float32Array(5), options });
  const scores = new PersonGraphScores(graph, DEFAULT_GRAPH_WEIGHTS).compute([0, 1]);
  const max = 1 + ease / (walk + lowPass);
  for (let slot = 0; slot < 5; slot++) assert.ok(scores.score(slot) >= 0 && scores.score(slot) <= max + 1e-9, `video ${slot} scores ${scores.score(slot)}`);
  assert.ok(scores.score(2) > scores.score(3), 'the video linked to the history scores above an unlinked one');
});

test('a person’s latest positives count most: the same videos in another order lead to the other block', () => {
  const graph = trainItemGraph(blocks());
  const bestBlock = (weights: GraphWeights, history: number[]) => blockOf(new PersonGraphScores(graph, weights).compute(history).best(1, () => true)[0]!.slot);
  const recency = { ...DEFAULT_GRAPH_WEIGHTS, recentBoost: 30, recentScale: 1 };
  assert.equal(bestBlock(recency, [0, 3, 6, 11, 12]), 1, 'last engaged with block 1');
  assert.equal(bestBlock(recency, [11, 12, 0, 3, 6]), 0, 'last engaged with block 0');
  assert.equal(bestBlock({ ...recency, recentBoost: 0 }, [0, 3, 6, 11, 12]), 0, 'without recency, the block of most of the history');
});

test('EASE learns from every kept positive when they are given, the other views from the recent rows', () => {
  const recent = blocks();
  // The kept rows: everyone engaged with block 1 only (videos 10 to 18).
  const keptRows = Array.from({ length: 30 }, (_, p) => [0, 1, 2, 3].map((k) => 10 + ((p + k * 2) % 9)));
  const personStart = new Int32Array(31);
  keptRows.forEach((row, p) => (personStart[p + 1] = personStart[p]! + row.length));
  const graph = trainItemGraph({ ...recent, easeRows: { personStart, videos: Int32Array.from(keptRows.flat()) } });
  const linked = (table: { k: number; targets: Int32Array }, v: number) => table.targets[v * table.k]! >= 0;
  assert.ok(linked(graph.walk, 0), 'the walk learns block 0 from the recent rows');
  assert.ok(!linked(graph.ease!, 0) && linked(graph.ease!, 10), 'EASE learns block 1 alone, from the kept rows');
});

test('the background graph retrains once engagements are quiet, at once after an erasure, and the worker trains the same graph', async () => {
  let data = blocks(30);
  const upkeep = { quietMs: 30, maxStaleMs: 10_000, workerFrom: 1_000_000, automatic: true };
  const background = new BackgroundGraph(() => data, data.options, DEFAULT_GRAPH_WEIGHTS, upkeep);
  const graph = () => background.graph;
  assert.equal(graph(), undefined);
  background.changed();
  await background.settled();
  assert.equal(graph()?.people, 30);
  // Someone's engagements are erased: their rows leave the next graph, trained without waiting for quiet.
  data = blocks(29);
  const start = performance.now();
  background.changed(true);
  await background.settled();
  assert.equal(graph()?.people, 29);
  assert.ok(performance.now() - start < 1000);
  assert.equal(background.generation, 2);
  await background.close();

  const onWorker = new BackgroundGraph(() => blocks(30), data.options, DEFAULT_GRAPH_WEIGHTS, { ...upkeep, workerFrom: 0 });
  onWorker.changed(true);
  await onWorker.settled();
  const inline = trainItemGraph(blocks(30));
  assert.deepEqual(Array.from(onWorker.graph!.walk.targets), Array.from(inline.walk.targets));
  assert.deepEqual(Array.from(onWorker.graph!.walk.weights), Array.from(inline.walk.weights));
  await onWorker.close();
});

test('a training over many videos leaves the serving thread even with few engagements', async () => {
  // 400 people, each with 2 of 800 videos: 800 engagements, far under workerFrom, but EASE over 800 videos.
  const videoCount = 800;
  const personStart = Int32Array.from({ length: 401 }, (_, p) => 2 * p);
  const videos = Int32Array.from({ length: 800 }, (_, k) => (k * 7) % videoCount);
  const data: GraphTrainingData = { videoCount, personStart, videos, contentDim: 1, content: new Float32Array(videoCount), options: DEFAULT_ITEM_GRAPH };
  const upkeep = { quietMs: 0, maxStaleMs: 10_000, workerFrom: 50_000, automatic: true };
  const many = new BackgroundGraph(() => data, DEFAULT_ITEM_GRAPH, DEFAULT_GRAPH_WEIGHTS, upkeep);
  many.changed(true);
  await many.settled();
  assert.equal(many.workerTrainings, 1, 'trained on the worker thread');
  assert.equal(many.graph?.engagements, 800);
  await many.close();

  const few = new BackgroundGraph(() => blocks(30), DEFAULT_ITEM_GRAPH, DEFAULT_GRAPH_WEIGHTS, upkeep);
  few.changed(true);
  await few.settled();
  assert.equal(few.workerTrainings, 0, '20 videos train on the serving thread');
  await few.close();
});

test('a training whose content graph compares many videos leaves the serving thread, however few are engaged', async () => {
  // 2,000 videos with content vectors, 3 of them engaged: the content graph compares every pair of the 2,000.
  const videoCount = 2000;
  const content = Float32Array.from({ length: videoCount * 2 }, (_, i) => (i % 2 === 0 ? Math.cos(i) : Math.sin(i)));
  const data: GraphTrainingData = {
    videoCount,
    personStart: Int32Array.from([0, 3]),
    videos: Int32Array.from([0, 1, 2]),
    contentDim: 2,
    content,
    options: DEFAULT_ITEM_GRAPH,
  };
  const background = new BackgroundGraph(() => data, DEFAULT_ITEM_GRAPH, DEFAULT_GRAPH_WEIGHTS, {
    quietMs: 0,
    maxStaleMs: 10_000,
    workerFrom: 50_000,
    automatic: true,
  });
  background.changed(true);
  await background.settled();
  assert.equal(background.workerTrainings, 1, 'trained on the worker thread');
  assert.ok(background.graph?.content !== undefined, 'with its content graph');
  await background.close();
});

test('without automatic upkeep the graph trains only when told, on the calling thread, once the changes have grown enough', async () => {
  const background = new BackgroundGraph(() => blocks(30), blocks().options, DEFAULT_GRAPH_WEIGHTS, {
    quietMs: 0,
    maxStaleMs: 0,
    workerFrom: 0,
    automatic: false,
  });
  for (let k = 0; k < 10; k++) background.changed();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(background.generation, 0, 'no timer may train it');
  background.trainWhenGrown(0.25, 20);
  assert.equal(background.generation, 0, '10 changes are fewer than the 20 asked for');
  background.trainWhenGrown(0.25, 5);
  assert.equal(background.generation, 1);
  for (let k = 0; k < 2; k++) background.changed();
  background.trainWhenGrown(0.25, 1);
  assert.equal(background.generation, 1, '2 changes are less than a quarter of the 10 trained');
  await background.settled();
  assert.equal(background.generation, 2, 'settled trains what is pending');
  assert.ok(background.upToDate);
  await background.close();
});

test('in the engine, erasure and refresh reach the item graph: it is retrained without the person at once', async () => {
  const { Moteur } = await import('../../src/app/moteur.ts');
  const { event, tempDir, videos } = await import('../support/fixtures.ts');
  const moteur = await Moteur.open({ dataDir: tempDir() });
  try {
    await moteur.upsertVideos(videos(40));
    const likes = (userId: string, ids: number[]) => ids.map((i) => event(userId, `v${i}`, 'like'));
    // Accounts two hours old: a new account's likes count for less and stay out of the graph (src/safety/signal-integrity.ts).
    await moteur.ingest(['ann', 'bob', 'cid'].map((userId) => event(userId, 'v0', 'impression', { ts: Date.now() - 2 * 3_600_000 })));
    await moteur.ingest([...likes('ann', [1, 2, 3]), ...likes('bob', [2, 3, 4, 5]), ...likes('cid', [1, 5])]);
    await moteur.learning.settled();
    const graph = () => moteur.learning.graph.graph!;
    assert.deepEqual([graph().people, graph().engagements], [3, 9]);
    assert.ok((moteur.learning.personGraph('ann')?.best(5, () => true).length ?? 0) > 0, 'ann has graph candidates');
    await moteur.eraseUser('ann');
    await moteur.learning.settled();
    assert.deepEqual([graph().people, graph().engagements], [2, 6]);
    assert.equal(moteur.learning.personGraph('ann')?.best(5, () => true).length ?? 0, 0, 'nothing of ann is left to score from');
    await moteur.refreshUser('bob');
    await moteur.learning.settled();
    assert.deepEqual([graph().people, graph().engagements], [1, 2]);
  } finally {
    await moteur.close();
  }
});

test('closing abandons a training under way on the worker instead of waiting for it', async () => {
  // EASE over 3,000 videos: many seconds of work on the worker, which a closing engine must not wait for.
  const videoCount = 3000;
  const personStart = Int32Array.from({ length: 1501 }, (_, p) => 2 * p);
  const videos = Int32Array.from({ length: 3000 }, (_, k) => k);
  const data: GraphTrainingData = { videoCount, personStart, videos, contentDim: 1, content: new Float32Array(videoCount), options: DEFAULT_ITEM_GRAPH };
  const background = new BackgroundGraph(() => data, DEFAULT_ITEM_GRAPH, DEFAULT_GRAPH_WEIGHTS, {
    quietMs: 0,
    maxStaleMs: 10_000,
    workerFrom: 50_000,
    automatic: true,
  });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  background.changed(true);
  await until('the training started on the worker', 5000, async () => (background.workerTrainings === 1 ? true : undefined));
  const start = performance.now();
  await background.close();
  const closedInMs = performance.now() - start;
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  assert.ok(closedInMs < 1500, `closed in ${closedInMs.toFixed(0)} ms`);
  assert.equal(background.graph, undefined, 'the abandoned training is not swapped in');
  assert.deepEqual(warnings, [], 'an abandoned training is not reported as a failure');
  await background.settled();
});
