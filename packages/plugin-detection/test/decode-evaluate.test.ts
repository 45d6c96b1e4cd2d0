import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodePoints, evaluateDetection } from '@biaflow/plugin-detection';

/** A [h, w, channels] map of Gaussian blobs (σ 1.2) with the given peak heights. */
function blobs(h: number, w: number, channels: number, spots: { y: number; x: number; peak: number; channel?: number }[]) {
  const data = new Float32Array(h * w * channels);
  for (const { y, x, peak, channel = 0 } of spots) {
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const v = peak * Math.exp(-((yy - y) ** 2 + (xx - x) ** 2) / (2 * 1.2 * 1.2));
        const i = (yy * w + xx) * channels + channel;
        data[i] = Math.max(data[i], v);
      }
    }
  }
  return { data, shape: [h, w, channels] };
}

const rows = (p: { coordinates: Float64Array; ndim: number }) =>
  Array.from({ length: p.coordinates.length / p.ndim }, (_, i) => Array.from(p.coordinates.subarray(i * p.ndim, (i + 1) * p.ndim)));

describe('decodePoints', () => {
  test('finds the blobs above the threshold at their centres, highest first, each with its peak as score', () => {
    const map = blobs(32, 32, 1, [
      { y: 8, x: 8, peak: 0.7 },
      { y: 20, x: 24, peak: 0.95 },
      { y: 25, x: 5, peak: 0.3 },
    ]);
    const p = decodePoints(map, { threshold: 0.5, minDistance: 2, closeRadius: 0 });
    expect(rows(p)).toEqual([
      [20, 24],
      [8, 8],
    ]);
    expect(Array.from(p.scores)).toEqual([Math.fround(0.95), Math.fround(0.7)]);
    expect(p.classes).toBeUndefined();
  });

  test('of two maxima closer than close_radius, the lower one is removed', () => {
    const map = blobs(24, 24, 1, [
      { y: 10, x: 10, peak: 0.9 },
      { y: 10, x: 13, peak: 0.8 },
    ]);
    expect(rows(decodePoints(map, { threshold: 0.2, minDistance: 1, closeRadius: 0 }))).toEqual([
      [10, 10],
      [10, 13],
    ]);
    expect(rows(decodePoints(map, { threshold: 0.2, minDistance: 1, closeRadius: 3 }))).toEqual([[10, 10]]);
    // With a voxel twice as wide along x, the two are 6 units apart: both stay.
    expect(rows(decodePoints(map, { threshold: 0.2, minDistance: 1, closeRadius: 3, spacing: [1, 2] }))).toHaveLength(2);
  });

  test('one channel per class: points carry class channel + 1', () => {
    const map = blobs(16, 16, 2, [
      { y: 4, x: 4, peak: 0.9, channel: 0 },
      { y: 11, x: 11, peak: 0.9, channel: 1 },
    ]);
    const p = decodePoints(map, { threshold: 0.5, minDistance: 2, closeRadius: 3 });
    expect(rows(p)).toEqual([
      [4, 4],
      [11, 11],
    ]);
    expect(Array.from(p.classes ?? [])).toEqual([1, 2]);
  });

  test('threshold auto (Otsu) keeps the bright blobs of a noisy-free map', () => {
    const map = blobs(32, 32, 1, [
      { y: 6, x: 6, peak: 0.9 },
      { y: 24, x: 24, peak: 0.85 },
    ]);
    expect(rows(decodePoints(map, { threshold: 'auto', minDistance: 2, closeRadius: 0 }))).toEqual([
      [6, 6],
      [24, 24],
    ]);
  });
});

describe('evaluateDetection', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-det-eval-'));
  const csv = (name: string, header: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, [header, ...lines].join('\n') + '\n');
    return file;
  };

  test('matches within the tolerance, pools tp / fp / fn over images, null where undefined', async () => {
    const gtA = csv('a-gt.csv', 'axis-0,axis-1', ['10,10', '20,20', '40,40']);
    // 2 within 3 px, 1 far away
    const prA = csv('a-pr.csv', 'index,axis-0,axis-1,prob', ['0,11,11,0.9', '1,20,22,0.8', '2,5,40,0.7']);
    const gtB = csv('b-gt.csv', 'axis-0,axis-1', ['5,5']);
    const prB = csv('b-pr.csv', 'axis-0,axis-1', ['5,6']);
    const gtC = csv('c-gt.csv', 'axis-0,axis-1', []);
    const prC = csv('c-pr.csv', 'axis-0,axis-1', []);
    const report = await evaluateDetection(
      [
        { name: 'a.csv', groundTruthPath: gtA, predictionPath: prA },
        { name: 'b.csv', groundTruthPath: gtB, predictionPath: prB },
        { name: 'c.csv', groundTruthPath: gtC, predictionPath: prC },
      ],
      { tolerance: 3, ndim: 2 },
    );
    expect(report.per_image[0]).toMatchObject({ image: 'a.csv', tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, n_true: 3, n_pred: 3 });
    expect(report.per_image[1]).toMatchObject({ tp: 1, fp: 0, fn: 0, f1: 1 });
    expect(report.per_image[2]).toMatchObject({ tp: 0, fp: 0, fn: 0, precision: null, recall: null, f1: null });
    // Pooled: tp 3, fp 1, fn 1 → precision 3/4, recall 3/4, f1 6/8 (not the mean of per-image F1).
    expect(report.overall).toMatchObject({ tp: 3, fp: 1, fn: 1, precision: 0.75, recall: 0.75, f1: 0.75, n_true: 4, n_pred: 4, tolerance: 3, images: 3 });
    expect(report.overall.per_class).toBeUndefined();
  });

  test('with a class column: overall matching ignores classes, per_class matches within each class', async () => {
    const gt = csv('k-gt.csv', 'axis-0,axis-1,class', ['10,10,1', '30,30,2']);
    // The second prediction sits on a class-2 point but says class 1.
    const pr = csv('k-pr.csv', 'axis-0,axis-1,class,prob', ['10,10,1,0.9', '30,30,1,0.9']);
    const report = await evaluateDetection([{ name: 'k.csv', groundTruthPath: gt, predictionPath: pr }], { tolerance: 2, ndim: 2 });
    expect(report.overall).toMatchObject({ tp: 2, fp: 0, fn: 0, f1: 1 });
    const perClass = report.overall.per_class as Record<string, { tp: number; fp: number; fn: number }>;
    expect(perClass['1']).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(perClass['2']).toMatchObject({ tp: 0, fp: 0, fn: 1, precision: null, recall: 0, f1: 0 });
  });

  test('a ground truth that is not a CSV is refused with its name', async () => {
    const gt = path.join(dir, 'x.tif');
    fs.writeFileSync(gt, '');
    const pr = csv('x.csv', 'axis-0,axis-1', []);
    await expect(evaluateDetection([{ name: 'x.tif', groundTruthPath: gt, predictionPath: pr }], { tolerance: 2, ndim: 2 })).rejects.toThrow(/x\.tif: is not a point CSV/);
  });
});
