import {
  classificationMetrics,
  detectionMatching,
  detectionMatchingDataset,
  detectionMatchingPairs,
  iou,
  IouAccumulator,
  matchingStats,
  matchingStatsDataset,
} from '@biaflow/image';

const i32 = (rows: number[][]) => ({ data: Int32Array.from(rows.flat()), shape: [rows.length, rows[0].length] });

describe('iou', () => {
  const gt = i32([[0, 1], [1, 2]]);
  const pred = i32([[0, 1], [2, 2]]);
  test('per class, keyed by the class value; null for a class in neither image', () => {
    expect(iou(gt, pred, { classes: [0, 1, 2, 3] })).toEqual({ '0': 1, '1': 0.5, '2': 0.5, '3': null });
  });
  test('default classes are the values present', () => {
    expect(Object.keys(iou(gt, pred))).toEqual(['0', '1', '2']);
  });
  test('IouAccumulator pools intersections and unions, not per-image IoUs', () => {
    const acc = new IouAccumulator({ classes: [1] });
    expect(acc.add(i32([[1, 1, 1, 1]]), i32([[1, 1, 1, 1]]))).toEqual({ '1': 1 });
    expect(acc.add(i32([[1, 0, 0, 0]]), i32([[0, 0, 0, 1]]))).toEqual({ '1': 0 });
    // (4 + 0) / (4 + 2), not the mean (1 + 0) / 2
    expect(acc.result()['1']).toBeCloseTo(4 / 6, 12);
  });
});

describe('matchingStats (StarDist definition)', () => {
  // A square and the same square shifted by half its height: IoU 50 / 150.
  const square = () => {
    const gt = { data: new Int32Array(30 * 30), shape: [30, 30] };
    const pred = { data: new Int32Array(30 * 30), shape: [30, 30] };
    for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) gt.data[y * 30 + x] = 1;
    for (let y = 15; y < 25; y++) for (let x = 10; x < 20; x++) pred.data[y * 30 + x] = 7;
    return { gt, pred };
  };
  test('a pair counts only when its IoU reaches the threshold; ratios are 0 without a match', () => {
    const { gt, pred } = square();
    const stats = matchingStats(gt, pred, { thresholds: [0.3, 0.5] });
    expect(stats['0.5']).toEqual({
      tp: 0, fp: 1, fn: 1, precision: 0, recall: 0, accuracy: 0, f1: 0,
      mean_true_score: 0, mean_matched_score: 0, panoptic_quality: 0, n_true: 1, n_pred: 1,
    });
    expect(stats['0.3'].tp).toBe(1);
    expect(stats['0.3'].mean_matched_score).toBeCloseTo(1 / 3, 12);
    expect(stats['0.3'].panoptic_quality).toBeCloseTo(1 / 3, 12);
  });

  // True A = cols 0..15, B = 16..21; predicted Q = 0..5, P = 6..21.
  // IoU(A,P) = 10/22 is the best single pair, but matching A–Q and B–P (6/16 each) gives two matches.
  const gt = i32([[...new Array(16).fill(1), ...new Array(6).fill(2)]]);
  const pred = i32([[...new Array(6).fill(1), ...new Array(16).fill(2)]]);
  test('optimal one-to-one matching, not greedy', () => {
    const s = matchingStats(gt, pred, { thresholds: [0.3, 0.4] });
    expect(s['0.3']).toMatchObject({ tp: 2, fp: 0, fn: 0, n_true: 2, n_pred: 2, precision: 1, recall: 1, f1: 1 });
    expect(s['0.3'].mean_matched_score).toBeCloseTo(6 / 16, 12);
    expect(s['0.4']).toMatchObject({ tp: 1, fp: 1, fn: 1 });
    expect(s['0.4'].mean_matched_score).toBeCloseTo(10 / 22, 12);
    expect(s['0.4'].accuracy).toBeCloseTo(1 / 3, 12);
  });
  test('other criteria: intersection over the true or the predicted object', () => {
    expect(matchingStats(gt, pred, { thresholds: [0.9], criterion: 'iot' })['0.9'].tp).toBe(1); // B inside P
    expect(matchingStats(gt, pred, { thresholds: [0.9], criterion: 'iop' })['0.9'].tp).toBe(1); // Q inside A
  });
  test('label values need not be sequential', () => {
    const sparse = i32([[...new Array(16).fill(40000), ...new Array(6).fill(3)]]);
    expect(matchingStats(sparse, pred, { thresholds: [0.3] })['0.3'].tp).toBe(2);
  });
  test('the dataset pools counts and the matched score sum', () => {
    const { gt: g1, pred: p1 } = square();
    const a = matchingStats(g1, p1, { thresholds: [0.3] });
    const b = matchingStats(gt, pred, { thresholds: [0.3] });
    const empty = matchingStats(i32([[0, 0]]), i32([[0, 0]]), { thresholds: [0.3] });
    const pooled = matchingStatsDataset([a, b, empty])['0.3'];
    const sum = 1 / 3 + 0.75;
    expect(pooled).toMatchObject({ tp: 3, fp: 0, fn: 0, n_true: 3, n_pred: 3 });
    expect(pooled.mean_true_score).toBeCloseTo(sum / 3, 12);
    expect(pooled.mean_matched_score).toBeCloseTo(sum / 3, 12);
    expect(pooled.panoptic_quality).toBeCloseTo(sum / 3, 12);
  });
});

describe('detectionMatching', () => {
  test('a pair matches when its distance is at most the tolerance', () => {
    expect(detectionMatching([[0, 0]], [[3, 4]], { tolerance: 5 })).toEqual({ tp: 1, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 });
    expect(detectionMatching([[0, 0]], [[3, 4]], { tolerance: 4.99 })).toEqual({ tp: 0, fp: 1, fn: 1, precision: 0, recall: 0, f1: 0 });
  });
  test('spacing scales coordinates before measuring', () => {
    expect(detectionMatching([[0, 0]], [[2, 0]], { tolerance: 3 }).tp).toBe(1);
    expect(detectionMatching([[0, 0]], [[2, 0]], { tolerance: 3, spacing: [2, 1] }).tp).toBe(0);
  });
  test('the largest matching, where a greedy nearest-first pass finds fewer', () => {
    // p1 is the nearest prediction of g1 and the only one of g2.
    expect(detectionMatching([[0, 0], [0, 3]], [[0, 1], [0, -1.5]], { tolerance: 2 }).tp).toBe(2);
  });
  test('3D points and PointLists', () => {
    const gt = { ndim: 3 as const, coordinates: Float64Array.from([1, 1, 1, 5, 5, 5]) };
    expect(detectionMatching(gt, [[1, 1, 2]], { tolerance: 1 })).toMatchObject({ tp: 1, fp: 0, fn: 1 });
  });
  test('its pairs: [truth, prediction] indices of the largest matching, as many as tp', () => {
    // g1 (0,3) can only take p0 (0,1); so g0 (0,0) takes p1 (0,-1.5); p2 is too far from all.
    const r = detectionMatchingPairs([[0, 0], [0, 3]], [[0, 1], [0, -1.5], [9, 9]], { tolerance: 2 });
    expect(r.pairs).toEqual([[0, 1], [1, 0]]);
    expect(r.result).toEqual(detectionMatching([[0, 0], [0, 3]], [[0, 1], [0, -1.5], [9, 9]], { tolerance: 2 }));
    expect(r.result.tp).toBe(2);
    expect(detectionMatchingPairs([], [[1, 1]], { tolerance: 2 }).pairs).toEqual([]);
  });
  test('pooled over images by summing counts', () => {
    const a = detectionMatching([[0, 0]], [[0, 1]], { tolerance: 2 });
    const b = detectionMatching([[0, 0]], [], { tolerance: 2 });
    expect(detectionMatchingDataset([a, b])).toEqual({ tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5, f1: 2 / 3 });
  });
});

describe('classificationMetrics', () => {
  test('accuracy, per-class scores (null where undefined), macro F1 and the confusion matrix', () => {
    const r = classificationMetrics([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], { classes: ['a', 'b', 'c'] });
    expect(r.confusion_matrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    expect(r.accuracy).toBe(0.6);
    expect(r.precision).toEqual({ a: 0.5, b: 2 / 3, c: null });
    expect(r.recall).toEqual({ a: 0.5, b: 1, c: 0 });
    expect(r.f1).toEqual({ a: 0.5, b: 0.8, c: 0 });
    expect(r.macro_f1).toBeCloseTo(1.3 / 3, 12);
    expect(r.classes).toEqual(['a', 'b', 'c']);
  });
  test('a class count names the classes by index', () => {
    expect(classificationMetrics(Int32Array.from([1]), Int32Array.from([1]), { classes: 2 }).f1).toEqual({ '0': null, '1': 1 });
  });
});
