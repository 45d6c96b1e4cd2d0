import { detectionAp, ImageError, type DetectionApImage, type DetectionApResult } from '@biaflow/image';
import { runPythonReference, seeded } from './python-reference';

/**
 * Hand-worked example: two images, three classes, tolerance 2.
 *
 *   image "a"  true:  a1 (0,0) c0   a2 (10,10) c0   a3 (20,20) c1   a4 (30,30) c0 (never found)
 *              pred:  p0 (0,1)    c0 0.9  → a1 (distance 1)
 *                     p1 (10,11)  c0 0.8  → a2
 *                     p2 (0,0.5)  c0 0.7  → a1 is taken: false positive (a duplicate)
 *                     p3 (20,21)  c1 0.8  → a3
 *                     p4 (50,50)  c1 0.6  → false positive
 *   image "b"  true:  b1 (5,5) c0   b2 (15,15) c1   b3 (15,18) c1   b4 (40,0) c1 (never found)
 *              pred:  q0 (5,6)    c0 0.8  → b1
 *                     q1 (40,40)  c0 0.9  → false positive
 *                     q2 (15,17)  c1 0.8  → nearest is b3 (1; b2 is at 2)
 *                     q3 (15,19)  c1 0.8  → b3 is taken, b2 is at 4: false positive
 *                     q4 (0,0)    c2 0.95 → class 2 has no true point
 *
 * Class 0, N = 4 (a1 a2 a4 b1). Ranking: 0.9 p0 (a before b) TP, q1 FP; 0.8 p1 TP, q0 TP; 0.7 p2 FP.
 *   k:  1    2    3    4    5
 *   P:  1    1/2  2/3  3/4  3/5
 *   R:  1/4  1/4  1/2  3/4  3/4
 *   envelope at the TPs (k = 1, 3, 4): 1, 3/4, 3/4 → AP = 1/4·1 + 1/4·3/4 + 1/4·3/4 = 0.625
 * Class 1, N = 4 (a3 b2 b3 b4). Ranking: 0.8 p3 (a) TP, q2 (b, row 2) TP, q3 (b, row 3) FP; 0.6 p4 FP.
 *   P: 1 1 2/3 1/2, R: 1/4 1/2 1/2 1/2 → AP = 1/4 + 1/4 = 0.5
 * Class 2: no true point → null, left out of the mean. mAP = (0.625 + 0.5) / 2 = 0.5625.
 *
 * Per image. "a": class 0, N = 3: p0 TP, p1 TP, p2 FP → 1/3 + 1/3 = 2/3; class 1, N = 1: p3 TP → 1;
 *   mAP 5/6. "b": class 0, N = 1: q1 FP, q0 TP → P 1/2 at R 1 → 1/2; class 1, N = 3: q2 TP, q3 FP
 *   → 1/3; mAP 5/12.
 * Tolerance 5: class 0 unchanged (0.625); class 1: q3 now reaches b2 (4 ≤ 5): TP TP TP FP
 *   → 3/4; mAP 0.6875.
 * Tolerance 0.5: only p2 (0.5 from a1) matches: class 0 hits 0 0 0 0 1 → P 1/5 at R 1/4 → 0.05;
 *   class 1: no TP → 0; mAP 0.025.
 */
const imageA = (): DetectionApImage => ({
  name: 'a',
  groundTruth: [[0, 0], [10, 10], [20, 20], [30, 30]],
  trueClasses: [0, 0, 1, 0],
  prediction: [[0, 1], [10, 11], [0, 0.5], [20, 21], [50, 50]],
  predictedClasses: [0, 0, 0, 1, 1],
  scores: [0.9, 0.8, 0.7, 0.8, 0.6],
});
const imageB = (): DetectionApImage => ({
  name: 'b',
  groundTruth: [[5, 5], [15, 15], [15, 18], [40, 0]],
  trueClasses: [0, 1, 1, 1],
  prediction: [[5, 6], [40, 40], [15, 17], [15, 19], [0, 0]],
  predictedClasses: [0, 0, 1, 1, 2],
  scores: [0.8, 0.9, 0.8, 0.8, 0.95],
});

describe('detectionAp: hand-worked example', () => {
  // "b" is listed first: ties go by name, not by list position.
  const result = detectionAp([imageB(), imageA()], { tolerance: 2, tolerances: [2, 5, 0.5] });

  test('pooled AP per class and mAP', () => {
    expect(result.classes).toEqual([0, 1, 2]);
    expect(result.ap['0']).toBeCloseTo(0.625, 12);
    expect(result.ap['1']).toBeCloseTo(0.5, 12);
    expect(result.ap['2']).toBeNull();
    expect(result.map).toBeCloseTo(0.5625, 12);
    expect(result.n_true).toEqual({ '0': 4, '1': 4, '2': 0 });
    expect(result.n_pred).toEqual({ '0': 5, '1': 4, '2': 1 });
  });

  test('per image', () => {
    expect(Object.keys(result.per_image).sort()).toEqual(['a', 'b']);
    const a = result.per_image.a;
    expect(a.ap['0']).toBeCloseTo(2 / 3, 12);
    expect(a.ap['1']).toBeCloseTo(1, 12);
    expect(a.ap['2']).toBeNull();
    expect(a.map).toBeCloseTo(5 / 6, 12);
    const b = result.per_image.b;
    expect(b.ap['0']).toBeCloseTo(0.5, 12);
    expect(b.ap['1']).toBeCloseTo(1 / 3, 12);
    expect(b.ap['2']).toBeNull();
    expect(b.map).toBeCloseTo(5 / 12, 12);
  });

  test('by tolerance', () => {
    const t = result.ap_by_tolerance;
    expect(Object.keys(t)).toEqual(['2', '5', '0.5']);
    expect(t['2'].map).toBeCloseTo(0.5625, 12);
    expect(t['5'].ap['0']).toBeCloseTo(0.625, 12);
    expect(t['5'].ap['1']).toBeCloseTo(0.75, 12);
    expect(t['5'].map).toBeCloseTo(0.6875, 12);
    expect(t['0.5'].ap['0']).toBeCloseTo(0.05, 12);
    expect(t['0.5'].ap['1']).toBe(0);
    expect(t['0.5'].map).toBeCloseTo(0.025, 12);
  });

  test('tied scores across images are ranked by image name', () => {
    // Renamed "z", image a now comes after b at equal scores.
    // Class 0: q1 FP, p0 TP, q0 TP, p1 TP, p2 FP → P 0 1/2 2/3 3/4 3/5 → 3 · 1/4 · 3/4 = 0.5625.
    // Class 1: q2 TP, q3 FP, p3 TP, p4 FP → P 1 1/2 2/3 1/2 → 1/4 + 1/4 · 2/3 = 5/12.
    const renamed = detectionAp([imageB(), { ...imageA(), name: 'z' }], { tolerance: 2 });
    expect(renamed.ap['0']).toBeCloseTo(0.5625, 12);
    expect(renamed.ap['1']).toBeCloseTo(5 / 12, 12);
  });

  test('tied scores within an image are ranked by row, and an earlier prediction keeps its point (greedy)', () => {
    // q3 listed before q2: q3 takes b3 (distance 1), then q2 reaches b2 (distance 2): TP TP TP FP → 0.75.
    const b = imageB();
    const swap = (list: ArrayLike<unknown>) => [list[0], list[1], list[3], list[2], list[4]];
    const swapped = {
      ...b,
      prediction: swap(b.prediction as number[][]) as number[][],
      predictedClasses: swap(b.predictedClasses!) as number[],
      scores: swap(b.scores!) as number[],
    };
    expect(detectionAp([imageA(), swapped], { tolerance: 2 }).ap['1']).toBeCloseTo(0.75, 12);
  });
});

describe('detectionAp: rules and edge cases', () => {
  test('of two true points at the same distance, the one listed first is taken', () => {
    // (0,1) is 1 from both (0,0) and (0,2) and takes (0,0); then (0,3) takes (0,2): AP 1.
    // Had it taken (0,2), (0,3) would be a false positive (AP 1/2).
    const r = detectionAp([{ name: 'i', groundTruth: [[0, 0], [0, 2]], prediction: [[0, 1], [0, 3]], scores: [1, 0.5] }], { tolerance: 1.5 });
    expect(r.ap).toEqual({ '0': 1 });
    expect(r.map).toBe(1);
  });

  test('a prediction takes the nearest free true point, not the first within reach', () => {
    // (0,1.5) is 1.5 from (0,0) and 0.5 from (0,2); it takes (0,2), so (0,-1) can still take (0,0).
    const r = detectionAp([{ name: 'i', groundTruth: [[0, 0], [0, 2]], prediction: [[0, 1.5], [0, -1]], scores: [1, 0.5] }], { tolerance: 2 });
    expect(r.ap['0']).toBe(1);
  });

  test('true points but no prediction: AP 0', () => {
    const r = detectionAp([{ name: 'i', groundTruth: [[1, 1]], prediction: [], scores: [] }], { tolerance: 2 });
    expect(r.ap).toEqual({ '0': 0 });
    expect(r.map).toBe(0);
  });

  test('no true points: AP null, even with predictions; an empty data set reports null', () => {
    const r = detectionAp([{ name: 'i', groundTruth: [], prediction: [[1, 1]], scores: [0.3] }], { tolerance: 2 });
    expect(r.ap).toEqual({ '0': null });
    expect(r.map).toBeNull();
    const empty = detectionAp([], { tolerance: 2 });
    expect(empty).toEqual({ tolerance: 2, classes: [0], ap: { '0': null }, map: null, n_true: { '0': 0 }, n_pred: { '0': 0 }, per_image: {}, ap_by_tolerance: { '2': { ap: { '0': null }, map: null } } });
  });

  test('a requested class without true points is null and out of the mean; by default the classes present', () => {
    const r = detectionAp([imageA(), imageB()], { tolerance: 2, classes: [0, 1, 2, 7] });
    expect(r.ap['7']).toBeNull();
    expect(r.map).toBeCloseTo(0.5625, 12);
    expect(detectionAp([imageA()], { tolerance: 2 }).classes).toEqual([0, 1]);
  });

  test('PointLists carry their classes and scores; spacing scales the axes (3D)', () => {
    const gt = { ndim: 3 as const, coordinates: Float64Array.from([0, 0, 0, 5, 5, 5]), classes: Int32Array.from([1, 1]) };
    const pred = { ndim: 3 as const, coordinates: Float64Array.from([1, 0, 0, 5, 5, 6]), classes: Int32Array.from([1, 1]), scores: Float32Array.from([0.9, 0.5]) };
    // Without spacing both are 1 away; with z spacing 3 the first is 3 away.
    expect(detectionAp([{ name: 'v', groundTruth: gt, prediction: pred }], { tolerance: 1.5 }).ap).toEqual({ '1': 1 });
    // First (score 0.9) is now a false positive, second a true positive: P 1/2 at R 1/2 → 0.25.
    expect(detectionAp([{ name: 'v', groundTruth: gt, prediction: pred }], { tolerance: 1.5, spacing: [3, 1, 1] }).ap['1']).toBeCloseTo(0.25, 12);
  });

  test.each([
    ['scores missing', [{ name: 'i', groundTruth: [[0, 0]], prediction: [[0, 0]] }], /images\[0\]\.scores is missing/],
    ['a score per point', [{ name: 'i', groundTruth: [], prediction: [[0, 0]], scores: [1, 2] }], /images\[0\]\.scores has 2 entries for 1 points/],
    ['NaN score', [{ name: 'i', groundTruth: [], prediction: [[0, 0]], scores: [NaN] }], /scores\[0\] \("i"\) is NaN/],
    ['duplicate names', [{ name: 'i', groundTruth: [], prediction: [], scores: [] }, { name: 'i', groundTruth: [], prediction: [], scores: [] }], /images\[1\]\.name "i" is used by an earlier image/],
    ['no name', [{ groundTruth: [], prediction: [] }], /images\[0\]\.name must be a non-empty string/],
    ['classes on one side only', [{ name: 'i', groundTruth: [[0, 0]], trueClasses: [1], prediction: [[0, 0]], scores: [1] }], /images\[0\]\.predictedClasses is missing/],
    ['2D and 3D points', [{ name: 'i', groundTruth: [[0, 0]], prediction: [[0, 0, 0]], scores: [1] }], /prediction \("i"\) has 3D points but earlier points are 2D/],
    ['not a list', { name: 'i' }, /images must be a list/],
  ])('bad input: %s', (_what, images, message) => {
    expect(() => detectionAp(images as never, { tolerance: 1 })).toThrow(ImageError);
    expect(() => detectionAp(images as never, { tolerance: 1 })).toThrow(message);
  });

  test('bad tolerance', () => {
    expect(() => detectionAp([], { tolerance: -1 })).toThrow(/tolerance must be a finite number ≥ 0/);
    expect(() => detectionAp([], { tolerance: 1, tolerances: [1, -2] })).toThrow(/tolerances\[1\] must be/);
  });
});

// ---- Against the independent numpy implementation (test/reference/detection_ap.py) ----

interface RefCase {
  tolerance: number;
  tolerances: number[];
  spacing: number[];
  classes: number[];
  images: { name: string; gt: number[][]; gt_classes: number[]; pred: number[][]; pred_classes: number[]; scores: number[] }[];
}
interface RefAp {
  ap: Record<string, number | null>;
  map: number | null;
}
interface RefResult extends RefAp {
  per_image: Record<string, RefAp>;
  ap_by_tolerance: RefAp[];
}

/**
 * Random point sets built to exercise every rule: coordinates on a half-pixel grid (so distances tie
 * exactly), scores in steps of 1/16 (so scores tie within and across images), duplicates, misses,
 * wrong classes, false positives, an image without predictions and one without true points.
 */
function generateCase(seed: number, ndim: 2 | 3, spacing: number[], tolerance: number, tolerances: number[]): RefCase {
  const rand = seeded(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const names = ['img-07', 'b', 'A', 'img-1', 'c_2', 'img-10'];
  const images: RefCase['images'] = [];
  for (let i = 0; i < names.length; i++) {
    const extent = 40;
    const nTrue = i === 4 ? 0 : 25 + int(30);
    const gt: number[][] = [];
    const gtClasses: number[] = [];
    for (let t = 0; t < nTrue; t++) {
      gt.push(Array.from({ length: ndim }, () => int(extent)));
      gtClasses.push(int(2));
    }
    const pred: { at: number[]; cls: number; score: number }[] = [];
    const jitter = () => (int(9) - 4) * 0.5;
    const score = () => int(16) / 16;
    if (i !== 2) {
      gt.forEach((g, t) => {
        if (rand() < 0.8) pred.push({ at: g.map((v) => v + jitter()), cls: rand() < 0.9 ? gtClasses[t] : 1 - gtClasses[t], score: score() });
        if (rand() < 0.2) pred.push({ at: g.map((v) => v + jitter()), cls: gtClasses[t], score: score() });
      });
      const fps = 5 + int(15);
      for (let f = 0; f < fps; f++) pred.push({ at: Array.from({ length: ndim }, () => int(2 * extent) * 0.5), cls: int(2), score: score() });
    }
    // Shuffle the rows so row order is not "matches first".
    for (let k = pred.length - 1; k > 0; k--) {
      const j = int(k + 1);
      [pred[k], pred[j]] = [pred[j], pred[k]];
    }
    images.push({
      name: names[i],
      gt,
      gt_classes: gtClasses,
      pred: pred.map((p) => p.at),
      pred_classes: pred.map((p) => p.cls),
      scores: pred.map((p) => p.score),
    });
  }
  return { tolerance, tolerances, spacing, classes: [0, 1], images };
}

function compareAp(where: string, got: RefAp, want: RefAp, problems: string[]): void {
  const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9);
  if (!close(got.map, want.map)) problems.push(`${where} map: ${got.map} vs reference ${want.map}`);
  for (const c of Object.keys(want.ap)) {
    if (!close(got.ap[c], want.ap[c])) problems.push(`${where} ap[${c}]: ${got.ap[c]} vs reference ${want.ap[c]}`);
  }
  if (Object.keys(got.ap).join() !== Object.keys(want.ap).join()) problems.push(`${where} classes ${Object.keys(got.ap)} vs ${Object.keys(want.ap)}`);
}

describe('detectionAp against an independent numpy implementation', () => {
  const cases = [
    generateCase(1, 2, [1, 1], 2, [0.5, 1, 2, 3.5]),
    generateCase(2, 2, [1, 0.5], 1.5, [1.5, 3]),
    generateCase(3, 3, [2, 1, 1], 3, [1, 3, 5]),
    generateCase(4, 2, [1, 1], 1, [0, 1, 2.5]),
  ];

  test('every AP (pooled, per image, per tolerance) within 1e-9', () => {
    const reference = runPythonReference<{ results: RefResult[] }>('detection_ap.py', { cases }).results;
    expect(reference).toHaveLength(cases.length);
    const problems: string[] = [];
    let strictlyBetween = 0;
    cases.forEach((c, n) => {
      const images = c.images.map((im) => ({
        name: im.name,
        groundTruth: im.gt,
        trueClasses: im.gt_classes,
        prediction: im.pred,
        predictedClasses: im.pred_classes,
        scores: im.scores,
      }));
      const got: DetectionApResult = detectionAp(images, { tolerance: c.tolerance, tolerances: c.tolerances, spacing: c.spacing, classes: c.classes });
      const want = reference[n];
      compareAp(`case ${n}`, got, want, problems);
      for (const name of Object.keys(want.per_image)) compareAp(`case ${n} image ${name}`, got.per_image[name], want.per_image[name], problems);
      c.tolerances.forEach((t, i) => compareAp(`case ${n} tolerance ${t}`, got.ap_by_tolerance[String(t)], want.ap_by_tolerance[i], problems));
      for (const v of Object.values(got.ap_by_tolerance).flatMap((r) => Object.values(r.ap))) if (v !== null && v > 0 && v < 1) strictlyBetween++;
    });
    expect(problems).toEqual([]);
    // The cases are not degenerate: most pooled APs are strictly between 0 and 1.
    expect(strictlyBetween).toBeGreaterThan(15);
    expect(cases.reduce((n, c) => n + c.images.reduce((m, im) => m + im.gt.length + im.pred.length, 0), 0)).toBeGreaterThan(1000);
  });
});
