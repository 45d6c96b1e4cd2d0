import { aji, ajiDataset, ImageError, instanceAp, instanceApDataset, matchingStats, matchingStatsDataset, AP_50_95_THRESHOLDS } from '@biaflow/image';
import { runPythonReference, seeded } from './python-reference';

const row = (values: number[]) => ({ data: Int32Array.from(values), shape: [1, values.length] });

/** Paint a run of a row: `runs` is [label, from, to] (inclusive) on a row of `n` pixels. */
const runs = (n: number, list: [number, number, number][]) => {
  const v = new Array<number>(n).fill(0);
  for (const [label, from, to] of list) for (let i = from; i <= to; i++) v[i] = label;
  return row(v);
};

describe('aji (MoNuSeg definition)', () => {
  /*
   * One row of 24 pixels.
   *   true:  G1 = 0..3 (4 px)   G2 = 4..7 (4)   G3 = 9..10 (2)   G4 = 12..17 (6)
   *   pred:  P6 = 2..5 (4)      P2 = 12..13 (2) P5 = 15..20 (6)  P9 = 22..23 (2)
   * G1: only P6 overlaps: |G1∩P6| = 2 (2,3), |G1∪P6| = 6.
   * G2: only P6 overlaps: 2 (4,5), union 6 — P6 is chosen twice and enters U twice.
   * G3: nothing overlaps: U += 2.
   * G4: P2 gives 2/6, P5 gives 3/9 (15..17 shared; 6 + 6 − 3): the same IoU 1/3. MoNuSeg takes the
   *     lower label, P2: C += 2, U += 6. P5 is never chosen: U += 6. P9 is never chosen: U += 2.
   * C = 2 + 2 + 2 = 6, U = 6 + 6 + 2 + 6 + 6 + 2 = 28, AJI = 6/28 = 3/14.
   * (Hover-Net's get_fast_aji ranks by inter / (union + 1e-6), which favours P5: C = 7, U = 6 + 6 + 2
   * + 9 + 2 + 2 = 27, AJI = 7/27.)
   */
  const gt = runs(24, [[1, 0, 3], [2, 4, 7], [3, 9, 10], [4, 12, 17]]);
  const pred = runs(24, [[6, 2, 5], [2, 12, 13], [5, 15, 20], [9, 22, 23]]);

  test('hand-worked: a prediction chosen twice, a missed object, unchosen predictions, an IoU tie', () => {
    expect(aji(gt, pred)).toEqual({ aji: 6 / 28, intersection: 6, union: 28 });
  });

  test('an IoU tie goes to the lower predicted label', () => {
    // P2 relabelled 7: now P5 has the lower label and is chosen: C = 7, U = 6 + 6 + 2 + 9 + 2 + 2 = 27.
    const relabelled = runs(24, [[6, 2, 5], [7, 12, 13], [5, 15, 20], [9, 22, 23]]);
    expect(aji(gt, relabelled)).toEqual({ aji: 7 / 27, intersection: 7, union: 27 });
  });

  test('the largest IoU wins, not the largest intersection', () => {
    // G = 0..9; A = 0..5 (IoU 6/10), B = 6..14 (4 shared, union 15: IoU 4/15). C = 6, U = 10 + 9 (B unchosen).
    expect(aji(runs(16, [[1, 0, 9]]), runs(16, [[3, 0, 5], [1, 6, 14]]))).toEqual({ aji: 6 / 19, intersection: 6, union: 19 });
  });

  test('over a set of images C and U are summed, not the per-image AJIs averaged', () => {
    const same = aji(row([1, 1, 1]), row([4, 4, 4]));
    expect(same).toEqual({ aji: 1, intersection: 3, union: 3 });
    const empty = aji(row([0, 0]), row([0, 0]));
    expect(empty).toEqual({ aji: null, intersection: 0, union: 0 });
    expect(ajiDataset([aji(gt, pred), same, empty])).toEqual({ aji: 9 / 31, intersection: 9, union: 31 });
    expect(ajiDataset([])).toEqual({ aji: null, intersection: 0, union: 0 });
  });

  test('predictions only: AJI 0; bad input is an ImageError', () => {
    expect(aji(row([0, 0, 0]), row([0, 2, 2])).aji).toBe(0);
    expect(() => aji(row([1, 1]), row([1, 1, 1]))).toThrow(/aji\(\): prediction has shape \[1,3\] but groundTruth has shape \[1,2\]/);
    expect(() => aji({ data: new Float32Array(2), shape: [1, 2] }, row([1, 1]))).toThrow(ImageError);
    expect(() => ajiDataset([{} as never])).toThrow(/perImage\[0\] is not an aji\(\) result/);
  });
});

// ---- Generated label images, for the numpy reference and the ap_50_95 cross-check ----

interface LabelPair {
  shape: number[];
  gt: Int32Array;
  pred: Int32Array;
}

/**
 * Random boxes on a label image, the prediction made from the truth: boxes moved and resized by a voxel,
 * dropped, split into exact halves (equal IoU, equal union), or covered by a pair with equal IoU and
 * different unions (where MoNuSeg and Hover-Net differ), plus strays. Label values are scattered (not
 * 1..n) and later boxes cover earlier ones.
 */
function generatePair(seed: number, shape: number[], objects: number): LabelPair {
  const rand = seeded(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const nd = shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  const gt = new Int32Array(size);
  const pred = new Int32Array(size);
  const paint = (img: Int32Array, lo: number[], hi: number[], label: number) => {
    const idx = new Array<number>(nd).fill(0);
    const clampLo = lo.map((v) => Math.max(0, v));
    const clampHi = hi.map((v, d) => Math.min(shape[d] - 1, v));
    if (clampLo.some((v, d) => v > clampHi[d])) return;
    const walk = (d: number, offset: number) => {
      for (idx[d] = clampLo[d]; idx[d] <= clampHi[d]; idx[d]++) {
        const o = offset * shape[d] + idx[d];
        if (d === nd - 1) img[o] = label;
        else walk(d + 1, o);
      }
    };
    walk(0, 0);
  };
  const usedLabels = new Set<number>();
  const newLabel = () => {
    let l: number;
    do l = 1 + int(5000);
    while (usedLabels.has(l));
    usedLabels.add(l);
    return l;
  };
  const last = nd - 1;
  for (let k = 0; k < objects; k++) {
    const r = rand();
    const lo = shape.map((s) => int(s));
    const ext = shape.map((s, d) => (nd === 3 && d === 0 ? 1 + int(3) : 2 + int(6)));
    // Patterns that make equal IoUs: exact halves need an even width, the 1/3 pair a width of 6.
    if (r >= 0.1 && r < 0.25) ext[last] = 2 * (1 + int(3));
    else if (r >= 0.25 && r < 0.4) ext[last] = 6;
    const hi = lo.map((v, d) => v + ext[d] - 1);
    paint(gt, lo, hi, newLabel());
    const along = (from: number, to: number): [number[], number[]] => [
      [...lo.slice(0, last), lo[last] + from],
      [...hi.slice(0, last), lo[last] + to],
    ];
    if (r < 0.1) continue; // missed
    if (r < 0.25) {
      // Split in two exact halves: both IoU 1/2 with the same union.
      const half = ext[last] / 2;
      paint(pred, ...along(0, half - 1), newLabel());
      paint(pred, ...along(half, ext[last] - 1), newLabel());
    } else if (r < 0.4) {
      // 2 of 6 columns inside (IoU 2/6), and 3 inside plus 3 outside (IoU 3/9): equal IoUs, different unions.
      paint(pred, ...along(0, 1), newLabel());
      paint(pred, ...along(3, 8), newLabel());
    } else {
      // Half the sides exact, the others one voxel in or out: IoUs spread over 0.3 … 1.
      const jitter = () => (rand() < 0.5 ? 0 : rand() < 0.5 ? -1 : 1);
      paint(pred, lo.map((v) => v + jitter()), hi.map((v) => v + jitter()), newLabel());
    }
  }
  for (let k = 0; k < Math.floor(objects / 5); k++) {
    const lo = shape.map((s) => int(s));
    paint(pred, lo, lo.map((v) => v + 1 + int(4)), newLabel());
  }
  return { shape, gt, pred };
}

const generatedPairs = (): LabelPair[] => [
  generatePair(11, [64, 64], 45),
  generatePair(12, [48, 80], 60),
  generatePair(13, [64, 64], 30),
  generatePair(14, [10, 24, 24], 25),
  { ...generatePair(15, [32, 32], 12), pred: new Int32Array(32 * 32) },
  { ...generatePair(16, [32, 32], 12), gt: new Int32Array(32 * 32) },
];

interface RefAji {
  intersection: number;
  union: number;
  aji: number | null;
}

describe('aji against an independent numpy implementation', () => {
  test('C, U and AJI per image and pooled, on generated label images (2D and 3D)', () => {
    const pairs = generatedPairs();
    const reference = runPythonReference<{ per_image: RefAji[]; dataset: RefAji }>('aji.py', {
      images: pairs.map((p) => ({ shape: p.shape, gt: Array.from(p.gt), pred: Array.from(p.pred) })),
    });
    const perImage = pairs.map((p) => aji({ data: p.gt, shape: p.shape }, { data: p.pred, shape: p.shape }));
    // C and U are voxel counts: equal exactly; AJI is their ratio.
    expect(perImage.map((r) => [r.intersection, r.union])).toEqual(reference.per_image.map((r) => [r.intersection, r.union]));
    perImage.forEach((r, i) => {
      if (reference.per_image[i].aji === null) expect(r.aji).toBeNull();
      else expect(Math.abs(r.aji! - reference.per_image[i].aji!)).toBeLessThanOrEqual(1e-12);
    });
    const pooled = ajiDataset(perImage);
    expect([pooled.intersection, pooled.union]).toEqual([reference.dataset.intersection, reference.dataset.union]);
    expect(Math.abs(pooled.aji! - reference.dataset.aji!)).toBeLessThanOrEqual(1e-12);
    // Not degenerate: real overlaps, AJIs strictly between 0 and 1.
    expect(perImage.slice(0, 4).every((r) => r.aji! > 0.2 && r.aji! < 0.9)).toBe(true);
  });
});

describe('ap_50_95 (mean of StarDist accuracies over IoU 0.5 … 0.95)', () => {
  const THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

  test('the thresholds are the decimal literals', () => {
    expect(AP_50_95_THRESHOLDS).toEqual(THRESHOLDS);
  });

  test('hand-worked: IoUs 0.6 and 0.75 and one stray prediction', () => {
    // 20 × 30 image. A = 10 × 10 true square, its prediction the 6 × 10 part of it: IoU 0.6.
    // B = 8 × 10 true box, its prediction the 6 × 10 part: IoU 0.75. A stray 2 × 2 prediction.
    const gt = new Int32Array(20 * 30);
    const pred = new Int32Array(20 * 30);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) gt[y * 30 + x] = 1;
    for (let y = 0; y < 6; y++) for (let x = 0; x < 10; x++) pred[y * 30 + x] = 1;
    for (let y = 0; y < 8; y++) for (let x = 15; x < 25; x++) gt[y * 30 + x] = 2;
    for (let y = 0; y < 6; y++) for (let x = 15; x < 25; x++) pred[y * 30 + x] = 2;
    for (let y = 15; y < 17; y++) for (let x = 15; x < 17; x++) pred[y * 30 + x] = 3;
    // t ≤ 0.6 (3 thresholds): tp 2, fp 1, fn 0 → 2/3; 0.65 … 0.75 (3): tp 1, fp 2, fn 1 → 1/4; above: 0.
    // ap_50_95 = (3 · 2/3 + 3 · 1/4) / 10 = 0.275.
    const r = instanceAp({ data: gt, shape: [20, 30] }, { data: pred, shape: [20, 30] });
    expect(r.ap_50_95).toBeCloseTo(0.275, 12);
    expect(r.accuracy['0.6']).toBeCloseTo(2 / 3, 12);
    expect(r.accuracy['0.65']).toBeCloseTo(1 / 4, 12);
    expect(r.accuracy['0.75']).toBeCloseTo(1 / 4, 12);
    expect(r.accuracy['0.8']).toBe(0);
    expect(Object.keys(r.accuracy)).toEqual(THRESHOLDS.map(String));
  });

  test('equals matchingStats accuracies averaged by hand, per image and pooled as matchingStatsDataset', () => {
    const pairs = generatedPairs();
    const images = pairs.map((p) => [{ data: p.gt, shape: p.shape }, { data: p.pred, shape: p.shape }] as const);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const perImage = images.map(([g, p]) => instanceAp(g, p));
    const stats = images.map(([g, p]) => matchingStats(g, p, { thresholds: THRESHOLDS }));
    perImage.forEach((r, i) => {
      expect(r.ap_50_95).toBeCloseTo(mean(THRESHOLDS.map((t) => stats[i][String(t)].accuracy)), 12);
    });
    const pooledStats = matchingStatsDataset(stats);
    const byHand = mean(THRESHOLDS.map((t) => {
      const s = pooledStats[String(t)];
      return s.tp / (s.tp + s.fp + s.fn);
    }));
    const pooled = instanceApDataset(perImage);
    expect(pooled.ap_50_95).toBeCloseTo(byHand, 12);
    // Pooled counts, not the mean of per-image values; and the cases are not trivial.
    expect(Math.abs(pooled.ap_50_95 - mean(perImage.map((r) => r.ap_50_95)))).toBeGreaterThan(1e-3);
    expect(pooled.ap_50_95).toBeGreaterThan(0.05);
    expect(pooled.ap_50_95).toBeLessThan(0.9);
    expect(THRESHOLDS.filter((t) => pooled.accuracy[String(t)] > 0).length).toBeGreaterThanOrEqual(8);
  });

  test('edge cases and bad input', () => {
    const empty = { data: new Int32Array(4), shape: [2, 2] };
    expect(instanceAp(empty, empty).ap_50_95).toBe(0);
    expect(instanceApDataset([]).ap_50_95).toBe(0);
    expect(() => instanceAp(empty, empty, { criterion: 'dice' as never })).toThrow(/criterion must be one of iou, iot, iop/);
    expect(() => instanceApDataset([{} as never])).toThrow(/perImage\[0\] is not an instanceAp\(\) result/);
  });
});
