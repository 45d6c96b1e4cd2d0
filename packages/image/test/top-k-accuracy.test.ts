import { ImageError, topKAccuracy } from '@biaflow/image';

describe('topKAccuracy', () => {
  // Four classes. "before" = classes ranked ahead of the true one (higher score, or equal score and
  // lower index); a sample is right at k when before < k.
  const scores = [
    [0.1, 0.5, 0.3, 0.1], // true 2: class 1 is higher → before 1
    [0.4, 0.4, 0.2, 0.0], // true 1: class 0 ties and has the lower index → before 1
    [0.2, 0.3, 0.3, 0.2], // true 2: class 1 ties with a lower index → before 1
    [0.25, 0.25, 0.25, 0.25], // true 3: all tie, three lower indices → before 3
    [0.9, 0.05, 0.03, 0.02], // true 0: top → before 0
    [0.3, 0.3, 0.3, 0.1], // true 0: the ties have higher indices → before 0
  ];
  const truth = [2, 1, 2, 3, 0, 0];

  test('hand-worked, with ties broken by the lower class index', () => {
    expect(topKAccuracy(truth, scores, 1)).toBeCloseTo(2 / 6, 12); // samples 4, 5
    expect(topKAccuracy(truth, scores, 2)).toBeCloseTo(5 / 6, 12); // all but sample 3
    expect(topKAccuracy(truth, scores, 3)).toBeCloseTo(5 / 6, 12); // sample 3 is 4th of 4
  });

  test('a [samples, classes] array gives the same', () => {
    const flat = { data: Float32Array.from(scores.flat()), shape: [6, 4] };
    expect(topKAccuracy(Int32Array.from(truth), flat, 2)).toBeCloseTo(5 / 6, 12);
  });

  test('null without samples, or with no more classes than k', () => {
    expect(topKAccuracy(truth, scores, 4)).toBeNull();
    expect(topKAccuracy([], [], 1)).toBeNull();
  });

  test('bad input', () => {
    expect(() => topKAccuracy(truth, scores, 0)).toThrow(/k must be an integer ≥ 1/);
    expect(() => topKAccuracy([0], scores, 1)).toThrow(/trueIndices has 1 entries but scoresPerSample has 6 rows/);
    expect(() => topKAccuracy([0, 5], [[1, 2, 3], [1, 2, 3]], 1)).toThrow(/trueIndices\[1\] is 5, not a class index from 0 to 2/);
    expect(() => topKAccuracy([0, 0], [[1, 2, 3], [1, 2]], 1)).toThrow(/scoresPerSample\[1\] has 2 scores but row 0 has 3/);
    expect(() => topKAccuracy([0], [[1, NaN, 3]], 1)).toThrow(ImageError);
    expect(() => topKAccuracy([0], 'scores' as never, 1)).toThrow(/scoresPerSample must be a list of score rows/);
  });
});
