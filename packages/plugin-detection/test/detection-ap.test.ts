import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeImage } from 'biaflow';
import { evaluateDetection } from '@biaflow/plugin-detection';

/**
 * Score-ranked AP through the detection plugin's evaluate, on point CSVs written to a temp folder;
 * every expected number is worked out by hand in the comments (precision Pₖ and recall Rₖ after the
 * k-th prediction in score order, AP = Σ ΔR · max precision at recall ≥ R).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-det-ap-'));
function csv(name: string, header: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [header, ...lines].join('\n') + '\n');
  return file;
}
const pair = (name: string, gt: string, pr: string) => ({ name, groundTruthPath: gt, predictionPath: pr });

function warnings() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  return { lines, logger: { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) } as never };
}

describe('evaluateDetection: score-ranked average precision', () => {
  // a: 3 true points; predictions 0.9 (1.4 px from a true point), 0.8 (35 px from any), 0.6 (2 px).
  const gtA = csv('a-gt.csv', 'axis-0,axis-1', ['10,10', '20,20', '40,40']);
  const prA = csv('a-pr.csv', 'index,axis-0,axis-1,prob', ['0,11,11,0.9', '1,5,40,0.8', '2,20,22,0.6']);
  // b: 1 true point; predictions 0.7 (1 px away), 0.65 (far).
  const gtB = csv('b-gt.csv', 'axis-0,axis-1', ['5,5']);
  const prB = csv('b-pr.csv', 'index,axis-0,axis-1,prob', ['0,5,6,0.7', '1,30,30,0.65']);
  const pairs = [pair('a.csv', gtA, prA), pair('b.csv', gtB, prB)];

  test('pooled over images, per image, and at each tolerance of ap_by_tolerance', async () => {
    const report = await evaluateDetection(pairs, { tolerance: 3, apTolerances: [1, 3], ndim: 2 });
    // Pooled ranking (N = 4): 0.9 a TP, 0.8 a FP, 0.7 b TP, 0.65 b FP, 0.6 a TP.
    //   P = 1, 1/2, 2/3, 1/2, 3/5; R = 1/4, 1/4, 2/4, 2/4, 3/4.
    //   AP = 1/4·max(1, …) + 1/4·max(2/3, 1/2, 3/5) + 1/4·3/5 = 1/4 + 1/6 + 3/20 = 17/30.
    expect(report.overall.ap).toEqual({ '1': expect.closeTo(17 / 30, 12) });
    expect(report.overall.map).toBeCloseTo(17 / 30, 12);
    // Image a alone (N = 3): TP, FP, TP → P = 1, 1/2, 2/3; R = 1/3, 1/3, 2/3 → AP = 1/3 + 1/3·2/3 = 5/9.
    expect(report.per_image[0]).toMatchObject({ image: 'a.csv', map: expect.closeTo(5 / 9, 12) });
    // Image b alone (N = 1): TP then FP → AP = 1.
    expect(report.per_image[1]).toMatchObject({ image: 'b.csv', ap: { '1': 1 }, map: 1 });
    // Within 1 px only b's 0.7 prediction hits (distance exactly 1): ranked 3rd, P = 1/3 at R = 1/4 → AP = 1/12.
    const byTol = report.overall.ap_by_tolerance as Record<string, { ap: Record<string, number>; map: number }>;
    expect(Object.keys(byTol)).toEqual(['1', '3']);
    expect(byTol['1'].map).toBeCloseTo(1 / 12, 12);
    expect(byTol['3'].map).toBeCloseTo(17 / 30, 12);
    // The matching figures are still the one-to-one matching: 3 TP, 2 FP, 1 FN.
    expect(report.overall).toMatchObject({ tp: 3, fp: 2, fn: 1 });
  });

  test('ap_by_tolerance defaults to the matching tolerance alone', async () => {
    const report = await evaluateDetection(pairs, { tolerance: 3, ndim: 2 });
    expect(Object.keys(report.overall.ap_by_tolerance as object)).toEqual(['3']);
  });

  test("COCO's greedy rule: the higher-scored prediction keeps the true point it took, even when a one-to-one matching would do better", async () => {
    // Two true points 4 px apart. The 0.9 prediction is 2 px from both (equal: the one listed first, (10,10), is taken);
    // the 0.8 prediction is 1 px from (10,10) — taken — and 5 px from (10,14): a false positive.
    const gt = csv('g-gt.csv', 'axis-0,axis-1', ['10,10', '10,14']);
    const pr = csv('g-pr.csv', 'axis-0,axis-1,prob', ['10,12,0.9', '10,9,0.8']);
    const report = await evaluateDetection([pair('g.csv', gt, pr)], { tolerance: 3, ndim: 2 });
    // Ranked: TP (P 1, R 1/2), FP → AP = 1/2; the Hungarian matching pairs both (F1 = 1).
    expect(report.overall.map).toBe(0.5);
    expect(report.overall).toMatchObject({ tp: 2, fp: 0, fn: 0, f1: 1 });
  });

  test('with a class column: AP per class and their mean', async () => {
    const gt = csv('k-gt.csv', 'axis-0,axis-1,class', ['10,10,1', '30,30,2']);
    // Class 1: its true point found first (AP 1); the 0.8 class-1 prediction on the class-2 point is a false positive.
    // Class 2: its only prediction is far away (AP 0).
    const pr = csv('k-pr.csv', 'axis-0,axis-1,class,prob', ['10,10,1,0.9', '30,30,1,0.8', '50,50,2,0.4']);
    const report = await evaluateDetection([pair('k.csv', gt, pr)], { tolerance: 2, ndim: 2 });
    expect(report.overall.ap).toEqual({ '1': 1, '2': 0 });
    expect(report.overall.map).toBe(0.5);
    expect(report.per_image[0]).toMatchObject({ ap: { '1': 1, '2': 0 }, map: 0.5 });
  });

  test("distances use each test image's voxel size", async () => {
    // One row apart: 1 px, but 2 units with a y spacing of 2 — outside a tolerance of 1.5.
    const images = path.join(dir, 'images');
    fs.mkdirSync(images);
    await writeImage(path.join(images, 's.tif'), { data: new Uint8Array(20 * 20), shape: [20, 20], axes: 'YX', spacing: [2, 1] });
    const gt = csv('s-gt.csv', 'axis-0,axis-1', ['10,10']);
    const pr = csv('s-pr.csv', 'axis-0,axis-1,prob', ['11,10,0.9']);
    const flat = await evaluateDetection([pair('s.csv', gt, pr)], { tolerance: 1.5, ndim: 2 });
    expect(flat.overall.map).toBe(1);
    const spaced = await evaluateDetection([pair('s.csv', gt, pr)], { tolerance: 1.5, ndim: 2, testImages: images });
    expect(spaced.overall.map).toBe(0);
    expect(spaced.overall.tp).toBe(0);
  });

  test('predictions without a prob column: AP is null and a warning names the file; scored images keep their own AP', async () => {
    const unscored = csv('u-pr.csv', 'axis-0,axis-1', ['5,5']);
    const { lines, logger } = warnings();
    const report = await evaluateDetection([pairs[0], pair('b.csv', gtB, unscored)], { tolerance: 3, apTolerances: [1, 3], ndim: 2, logger });
    expect(report.overall).toMatchObject({ ap: { '1': null }, map: null, ap_by_tolerance: { '1': { map: null }, '3': { map: null } } });
    expect(report.per_image[0].map).toBeCloseTo(5 / 9, 12);
    expect(report.per_image[1]).toMatchObject({ ap: { '1': null }, map: null });
    expect(lines).toHaveLength(1);
    expect(lines[0].msg).toContain(unscored);
    expect(lines[0].msg).toMatch(/no prob column/);
    // The matching figures do not need scores.
    expect(report.overall).toMatchObject({ tp: 3, fp: 1, fn: 1 });
  });

  test('an empty prediction file needs no prob column: its true points count as misses', async () => {
    const empty = csv('e-pr.csv', 'axis-0,axis-1', []);
    const { lines, logger } = warnings();
    const report = await evaluateDetection([pairs[0], pair('b.csv', gtB, empty)], { tolerance: 3, ndim: 2, logger });
    // Ranking as image a alone, but N = 4: P = 1, 1/2, 2/3 at R = 1/4, 1/4, 2/4 → AP = 1/4 + 1/4·2/3 = 5/12.
    expect(report.overall.map).toBeCloseTo(5 / 12, 12);
    expect(report.per_image[1]).toMatchObject({ ap: { '1': 0 }, map: 0 });
    expect(lines).toHaveLength(0);
  });
});
