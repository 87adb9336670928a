import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Moteur } from '../../src/app/moteur.ts';
import { abTest, comparePolicies } from '../../src/eval/sim/evaluate.ts';
import { meanPairwiseDistance, totalsOf, type SessionRecord } from '../../src/eval/sim/metrics.ts';
import { Population, DAY_MS } from '../../src/eval/sim/population.ts';
import { SIMULATION_START, simulate, type Arm } from '../../src/eval/sim/run.ts';
import { Timeline } from '../../src/eval/sim/timeline.ts';
import { generateWorld } from '../../src/sim/world.ts';

const tiny = { days: 2, users: 60, videos: 600, seed: 7 };

test('the engine beats random and most-popular on likes and hidden affinity, and people stay longer', { timeout: 60_000 }, async () => {
  const result = await comparePolicies(tiny, ['random', 'popular', 'engine']);
  const [random, popular, engine] = result.policies;
  assert.deepEqual(
    result.policies.map((p) => p.name),
    ['random', 'popular', 'engine'],
  );
  for (const p of result.policies) {
    assert.ok(p.overall.impressions > 200, `${p.name} served only ${p.overall.impressions} impressions`);
    assert.equal(p.byDay.length, 2);
    assert.equal(
      p.byDay.reduce((s, d) => s + d.sessions, 0),
      p.overall.sessions,
      `${p.name}: days add up to the whole`,
    );
  }
  assert.ok(engine!.overall.likesPer100Impressions > 1.5 * random!.overall.likesPer100Impressions, JSON.stringify([random!.overall, engine!.overall]));
  assert.ok(engine!.overall.meanAffinity > random!.overall.meanAffinity && engine!.overall.meanAffinity > popular!.overall.meanAffinity);
  assert.ok(engine!.overall.watchMinutesPerSession > random!.overall.watchMinutesPerSession);
  assert.ok(engine!.overall.retention >= random!.overall.retention);
  // The engine learns each person's taste: later sessions are better than the first.
  const bySession = engine!.convergence.bySession;
  assert.ok(bySession[2]!.meanAffinity > bySession[0]!.meanAffinity, JSON.stringify(bySession));
  // Random serves what the catalog holds, so new creators get about their share of the catalog.
  assert.ok(random!.overall.newCreatorShare > 0);
  assert.ok(random!.overall.newVideoShare > 0 && random!.overall.newVideoShare < 1);
  assert.ok(random!.overall.intraSessionDiversity > engine!.overall.intraSessionDiversity, 'a random session spans more topics than a personalised one');
});

test('the same seed gives the same figures', { timeout: 60_000 }, async () => {
  const small = { ...tiny, days: 1, users: 30 };
  const [first, second] = [await comparePolicies(small, ['engine']), await comparePolicies(small, ['engine'])];
  assert.deepEqual(first.policies, second.policies);
  assert.deepEqual(first.days, second.days);
});

/**
 * Runs one policy with a spy on the learners, recording which of their methods feed requests call with a person's id:
 * every read of what was learned about someone goes through one of them.
 */
async function learnedStateReadByFeeds(arm: Arm): Promise<Set<string>> {
  const read = new Set<string>();
  const spy = (moteur: Moteur) => {
    let inFeed = false;
    const feed = moteur.feed.bind(moteur);
    moteur.feed = async (...args) => {
      inFeed = true;
      try {
        return await feed(...args);
      } finally {
        inFeed = false;
      }
    };
    // Each of the learners' methods is wrapped on the instance the feed reads (a simulation never restores it).
    const learners = moteur.learning.learners as unknown as Record<string, unknown>;
    for (const property of Object.getOwnPropertyNames(Object.getPrototypeOf(learners))) {
      const value = learners[property];
      if (typeof value !== 'function' || property === 'constructor') continue;
      learners[property] = (...args: unknown[]) => {
        if (inFeed && args.some((a) => typeof a === 'string' && a.startsWith('user'))) read.add(property);
        return value.apply(learners, args);
      };
    }
  };
  await simulate({ ...tiny, days: 1, users: 30, onEngine: (_arm, moteur) => spy(moteur) }, [arm], () => 0);
  return read;
}

test('the non-personalised policy reads nothing learned about the person', { timeout: 60_000 }, async () => {
  const unpersonalized = await learnedStateReadByFeeds({ name: 'engine-unpersonalized', overrides: {}, personalized: false });
  assert.deepEqual([...unpersonalized], []);
  // The spy does see the personalised engine read the person's taste.
  const personalized = await learnedStateReadByFeeds({ name: 'engine', overrides: {}, personalized: true });
  assert.ok(personalized.has('score') && personalized.has('follows'), [...personalized].join(', '));
});

test('A/B: two identical configurations differ by nothing significant, and the interval holds the true difference of 0', { timeout: 60_000 }, async () => {
  // Enough people per arm for the bootstrap to be calibrated; with a fixed seed the outcome is deterministic.
  const result = await abTest({ ...tiny, users: 200 }, { name: 'same', config: {} }, { name: 'same again', config: {} }, 1000);
  assert.ok(result.arms.A.people > 80 && result.arms.B.people > 80, `${result.arms.A.people} / ${result.arms.B.people} people`);
  assert.equal(result.arms.A.people + result.arms.B.people, 200);
  // A 95 % interval misses the true difference one time in twenty: with seven metrics, one miss is to be expected
  // now and then (over seeds 1 to 12, 6 of 84 comparisons), two at once about one run in twenty-five.
  const misses = result.differences.filter((d) => !(d.ci95[0] <= 0 && d.ci95[1] >= 0));
  assert.ok(misses.length <= 1, `intervals that exclude 0: ${misses.map((d) => `${d.metric} [${d.ci95}]`).join(', ')}`);
  for (const d of result.differences) {
    assert.equal(d.significant, misses.includes(d));
    assert.equal(d.verdict, misses.includes(d) ? (d.difference > 0 ? 'B is better' : 'A is better') : 'no significant difference');
    assert.ok(d.ci95[0] < d.ci95[1], `${d.metric}: an interval of width 0`);
  }
});

test('A/B: a configuration that ranks against the predicted engagement is detected as worse', { timeout: 60_000 }, async () => {
  const broken = { feed: { scoreWeights: { watch: -1, like: -1, share: -2, comment: -0.5, follow: -3, skip: 1 } } };
  const result = await abTest({ ...tiny, users: 80 }, { name: 'default', config: {} }, { name: 'broken', config: broken }, 1000);
  const likes = result.differences.find((d) => d.metric === 'likesPer100Impressions')!;
  assert.equal(likes.verdict, 'A is better', JSON.stringify(likes));
  assert.ok(likes.ci95[1] < 0 && likes.difference < 0);
  assert.equal(result.differences.find((d) => d.metric === 'meanAffinity')!.verdict, 'A is better');
  assert.deepEqual(result.arms.B.config, broken);
});

test('A/B: too few people for an interval is refused, saying what to change', { timeout: 30_000 }, async () => {
  await assert.rejects(
    abTest({ ...tiny, days: 1, users: 2 }, { name: 'a', config: {} }, { name: 'b', config: {} }, 100),
    /needs at least two people with a session in each arm .*raise --users/,
  );
});

test('people arrive, open the app and creators join on the same schedule whatever the policy', () => {
  const world = generateWorld({ videos: 200, users: 50, seed: 3, now: SIMULATION_START });
  const [p, q] = [
    new Population(world, 200, { days: 4, seed: 3, start: SIMULATION_START }),
    new Population(world, 200, { days: 4, seed: 3, start: SIMULATION_START }),
  ];
  assert.deepEqual([...p.arrivalAt], [...q.arrivalAt]);
  for (const user of world.users) {
    const arrival = p.arrivalAt.get(user.id)!;
    const day = Math.floor((arrival - SIMULATION_START) / DAY_MS);
    assert.ok(day >= 0 && day < 4);
    for (let d = 0; d < 4; d++) {
      const sessions = p.sessionsOn(user.id, d);
      assert.deepEqual(sessions, q.sessionsOn(user.id, d));
      if (d < day) assert.deepEqual(sessions, [], 'no session before arriving');
      if (d === day) assert.equal(sessions[0], arrival, 'the first session is at arrival');
      for (const t of sessions) assert.ok(t >= arrival && t < SIMULATION_START + (d + 1) * DAY_MS);
    }
  }
  const joining = [...p.creatorJoinsAt.values()];
  assert.ok(joining.length > 0 && joining.length < world.creators.size);
  assert.ok(joining.every((t) => t >= SIMULATION_START && t < SIMULATION_START + 4 * DAY_MS));
  assert.equal(p.postsOn(1).length, 30);
});

test('sessions overlap in simulated time: a day of sessions ends that day, however many people there are', { timeout: 60_000 }, async () => {
  // 450 people each spending minutes per session would fill more than a day if sessions queued one after another.
  let latest = 0;
  let events = 0;
  const observe = (_arm: Arm, engine: Moteur) => {
    const ingest = engine.ingest.bind(engine);
    engine.ingest = (batch: unknown) => {
      const sent = batch as { ts: number }[];
      for (const e of sent) latest = Math.max(latest, e.ts);
      events += sent.length;
      return ingest(batch);
    };
  };
  const arm: Arm = { name: 'engine', overrides: {}, personalized: true };
  const run = await simulate({ days: 1, users: 450, videos: 400, seed: 5, onEngine: observe }, [arm], () => 0);
  const sessions = run.sessions[0]!;
  const watchedMs = sessions.reduce((sum, s) => sum + s.watchMs, 0);
  assert.ok(watchedMs > 1.2 * DAY_MS, `the test needs more than a day of watching in all, got ${watchedMs} ms`);
  assert.ok(events > 0);
  assert.ok(
    latest < SIMULATION_START + DAY_MS + 3_600_000,
    `the last event is ${((latest - SIMULATION_START) / 3_600_000).toFixed(1)} h after the start of a one-day run`,
  );
});

test('the timeline hands out happenings in time order, ties in the order they were scheduled', () => {
  const timeline = new Timeline<string>();
  const draws = Array.from({ length: 200 }, (_, i) => ({ at: (i * 7919) % 37, name: `h${i}` }));
  for (const d of draws) timeline.schedule(d.at, d.name);
  const expected = [...draws].sort((a, b) => a.at - b.at).map((d) => d.name);
  const got: string[] = [];
  for (let next = timeline.next(); next !== undefined; next = timeline.next()) got.push(next.item);
  assert.deepEqual(got, expected);
  assert.equal(timeline.nextAt, Infinity);
});

test('intra-session diversity is the mean pairwise cosine distance', () => {
  assert.equal(meanPairwiseDistance([[1, 0]]), undefined);
  assert.equal(
    meanPairwiseDistance([
      [1, 0],
      [1, 0],
      [1, 0],
    ]),
    0,
  );
  assert.equal(
    meanPairwiseDistance([
      [1, 0],
      [0, 1],
    ]),
    1,
  );
  // Pairs: (a,b) 1, (a,c) 2, (b,c) 1 → mean distance 4/3.
  assert.ok(
    Math.abs(
      meanPairwiseDistance([
        [1, 0],
        [0, 1],
        [-1, 0],
      ])! -
        4 / 3,
    ) < 1e-12,
  );
});

test('totals count each person once and each session once', () => {
  const session = (userId: string, left = false): SessionRecord => ({
    userId,
    day: 0,
    sessionNumber: 1,
    impressionsBefore: 0,
    impressions: 10,
    watchMs: 60_000,
    likes: 1,
    affinities: Array(10).fill(0.5),
    newCreatorImpressions: 2,
    newVideoImpressions: 3,
    diversity: 0.5,
    left,
  });
  const totals = totalsOf([session('a'), session('a', true), session('b')]);
  assert.deepEqual(
    { people: totals.people, sessions: totals.sessions, impressions: totals.impressions, left: totals.left },
    { people: 2, sessions: 3, impressions: 30, left: 1 },
  );
});
