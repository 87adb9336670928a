import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBiasedFactorizationOptions, trainBiasedFactorization } from '../../src/eval/models/biased-factorization.ts';

/**
 * Two camps of people, each replaying one half of the videos and skimming the other: every video's mean is the
 * same, so only the factors can order a person's videos.
 */
function twoCamps(people: number, videos: number) {
  const users: number[] = [];
  const items: number[] = [];
  const ratios: number[] = [];
  for (let u = 0; u < people; u++)
    for (let v = 0; v < videos; v++) {
      if ((u + v) % 3 === 0) continue; // a third of the cells are unseen, so the model must generalise to them
      users.push(u);
      items.push(v);
      ratios.push(u % 2 === v % 2 ? 3 : 0.3);
    }
  return { userCount: people, itemCount: videos, users: Int32Array.from(users), items: Int32Array.from(items), ratios: Float64Array.from(ratios) };
}

test('biased factorisation: the factors learn what each camp replays, the biases alone cannot', () => {
  const data = twoCamps(40, 30);
  // Each person's unseen videos, in pairs (one their camp replays, one it skims): the share ordered right.
  const sharePairsRight = (predict: (u: number, v: number) => number) => {
    let right = 0;
    let pairs = 0;
    for (let u = 0; u < 40; u++) {
      const unseen = Array.from({ length: 30 }, (_, v) => v).filter((v) => (u + v) % 3 === 0);
      for (const replayed of unseen.filter((v) => v % 2 === u % 2))
        for (const skimmed of unseen.filter((v) => v % 2 !== u % 2)) {
          pairs++;
          if (predict(u, replayed) > predict(u, skimmed)) right++;
        }
    }
    return right / pairs;
  };
  const options = { ...defaultBiasedFactorizationOptions, penalty: 0.02, epochs: 60, learningRate: 0.05 };
  const withFactors = sharePairsRight(trainBiasedFactorization(data, { ...options, factors: 4 }));
  const biasesOnly = sharePairsRight(trainBiasedFactorization(data, { ...options, factors: 0 }));
  assert.ok(withFactors > 0.95, `with factors, ${withFactors} of the pairs are ordered right`);
  assert.ok(biasesOnly < 0.75, `with the biases alone, ${biasesOnly} of the pairs are ordered right`);
});

test('biased factorisation: the same seed gives the same model, and an unseen person gets the video biases', () => {
  const data = twoCamps(10, 8);
  const options = { ...defaultBiasedFactorizationOptions, factors: 2, penalty: 0.1 };
  const a = trainBiasedFactorization(data, options);
  const b = trainBiasedFactorization(data, options);
  for (let u = 0; u < 10; u++) for (let v = 0; v < 8; v++) assert.equal(a(u, v), b(u, v));
  assert.ok(Number.isFinite(a(99, 3)));
});
