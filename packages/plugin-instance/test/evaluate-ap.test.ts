import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeImage } from 'biaflow';
import { evaluateInstances } from '@biaflow/plugin-instance';

/**
 * ap_50_95 and AJI through the instance plugin's evaluate, on label TIFFs written to a temp folder;
 * the expected numbers are worked out by hand in the comments.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-inst-ap-'));
const SIZE = 16;

/** A 16×16 uint16 label image with the given boxes ([y0, x0, height, width], labelled 1, 2, …). */
async function labels(name: string, boxes: [number, number, number, number][]): Promise<string> {
  const data = new Uint16Array(SIZE * SIZE);
  boxes.forEach(([y0, x0, h, w], k) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * SIZE + x] = k + 1;
  });
  const file = path.join(dir, name);
  await writeImage(file, { data, shape: [SIZE, SIZE], axes: 'YX', spacing: [null, null] });
  return file;
}

test('ap_50_95 and aji per image and pooled over images (sums, not means of per-image values)', async () => {
  // Image 1: a 4×5 true object (20 px) predicted one column to the right: 16 px shared, union 24, IoU 2/3;
  // a 2×2 true object (4 px) nobody predicted.
  const gt1 = await labels('gt1.tif', [[2, 2, 4, 5], [10, 10, 2, 2]]);
  const pr1 = await labels('pr1.tif', [[2, 3, 4, 5]]);
  // Image 2: a 3×3 object predicted exactly, plus a 1×2 false positive.
  const gt2 = await labels('gt2.tif', [[4, 4, 3, 3]]);
  const pr2 = await labels('pr2.tif', [[4, 4, 3, 3], [12, 12, 1, 2]]);
  const report = await evaluateInstances(
    [
      { name: 'one.tif', groundTruthPath: gt1, predictionPath: pr1 },
      { name: 'two.tif', groundTruthPath: gt2, predictionPath: pr2 },
    ],
    { thresholds: [0.5], ndim: 2 },
  );
  // Image 1: at IoU 0.5, 0.55, 0.6, 0.65 (≤ 2/3) tp 1, fp 0, fn 1 → accuracy 1/2; at 0.7…0.95 tp 0, fp 1, fn 2 → 0.
  //   ap_50_95 = 4 · 1/2 / 10 = 0.2. AJI: C = 16, U = 24 + 4 (the missed object) → 16/28 = 4/7.
  expect(report.per_image[0]).toMatchObject({ image: 'one.tif', ap_50_95: expect.closeTo(0.2, 12), aji: expect.closeTo(4 / 7, 12) });
  // Image 2: tp 1, fp 1, fn 0 at every threshold → accuracy 1/2 → ap_50_95 = 0.5. AJI: C = 9, U = 9 + 2 (the unchosen prediction) → 9/11.
  expect(report.per_image[1]).toMatchObject({ image: 'two.tif', ap_50_95: expect.closeTo(0.5, 12), aji: expect.closeTo(9 / 11, 12) });
  // Pooled: at 0.5…0.65 Σtp 2, Σfp 1, Σfn 1 → 2/4; at 0.7…0.95 Σtp 1, Σfp 2, Σfn 2 → 1/5.
  //   ap_50_95 = (4 · 0.5 + 6 · 0.2) / 10 = 0.32 (the mean of the per-image values would be 0.35).
  //   AJI = (16 + 9) / (28 + 11) = 25/39.
  expect(report.overall.ap_50_95).toBeCloseTo(0.32, 12);
  expect(report.overall.aji).toBeCloseTo(25 / 39, 12);
  // The matching statistics are still there.
  expect((report.overall.matching as Record<string, { tp: number }>)['0.5'].tp).toBe(2);
});

test('a prediction equal to the ground truth scores 1; two empty images have no AJI (null) and ap_50_95 0', async () => {
  const gt = await labels('gt3.tif', [[1, 1, 3, 3], [8, 8, 4, 4]]);
  const same = await evaluateInstances([{ name: 'same.tif', groundTruthPath: gt, predictionPath: gt }], { thresholds: [0.5], ndim: 2 });
  expect(same.overall).toMatchObject({ ap_50_95: 1, aji: 1 });
  const empty = await labels('empty.tif', []);
  const none = await evaluateInstances([{ name: 'empty.tif', groundTruthPath: empty, predictionPath: empty }], { thresholds: [0.5], ndim: 2 });
  expect(none.overall).toMatchObject({ ap_50_95: 0, aji: null });
  expect(none.per_image[0]).toMatchObject({ ap_50_95: 0, aji: null });
});
