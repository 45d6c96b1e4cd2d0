import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, type NdArray } from '@biaflow/core';
import { writeImage } from 'biaflow';
import { checkClassValues, classMap, evaluateSemantic, semanticSettings, semanticTarget } from '@biaflow/plugin-semantic';

const img = (rows: number[][], T: { from(a: number[]): NdArray['data'] } = Uint8Array): NdArray => ({ data: T.from(rows.flat()), shape: [rows.length, rows[0].length] });

describe('settings', () => {
  test('auto head: sigmoid for 2 classes, softmax for more; explicit heads are kept', () => {
    expect(semanticSettings({})).toEqual({ classes: 2, head: 'sigmoid' });
    expect(semanticSettings({ semantic: { classes: 4 } })).toEqual({ classes: 4, head: 'softmax' });
    expect(semanticSettings({ semantic: { classes: 2, head: 'softmax' } })).toEqual({ classes: 2, head: 'softmax' });
    expect(() => semanticSettings({ semantic: { classes: 1 } })).toThrow();
  });

  test('label values are checked against the class count, naming the values and the keys to set', () => {
    expect(checkClassValues([0, 1], 2)).toBeUndefined();
    const message = checkClassValues([0, 1, 255], 2) as string;
    expect(message).toContain('255');
    expect(message).toContain('semantic.classes');
    expect(message).toContain('data.labels.mapping');
  });
});

describe('targets', () => {
  const label = img([
    [0, 1, 2],
    [2, 0, 1],
  ]);

  test('sigmoid: one channel per foreground class', () => {
    const t = semanticTarget(label, { classes: 3, head: 'sigmoid' });
    expect(t.shape).toEqual([2, 3, 2]);
    expect([...t.data]).toEqual([0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]);
    const binary = semanticTarget(img([[0, 1, 1]]), { classes: 2, head: 'sigmoid' });
    expect(binary.shape).toEqual([1, 3, 1]);
    expect([...binary.data]).toEqual([0, 1, 1]);
  });

  test('softmax: one-hot over every class, background included', () => {
    const t = semanticTarget(label, { classes: 3, head: 'softmax' });
    expect(t.shape).toEqual([2, 3, 3]);
    expect([...t.data]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  test('a value that is not a class index is an input error naming the sample', () => {
    expect(() => semanticTarget(img([[0, 3]]), { classes: 3, head: 'softmax' }, 'a.tif')).toThrow(/a\.tif: label value 3/);
    expect(() => semanticTarget(img([[0, 3]]), { classes: 3, head: 'softmax' })).toThrow(InputError);
  });
});

describe('class map', () => {
  // Two voxels, channels last.
  const probs = (data: number[], channels: number): NdArray => ({ data: Float32Array.from(data), shape: [1, data.length / channels, channels] });

  test('one sigmoid channel: strictly above the threshold is foreground', () => {
    const m = classMap(probs([0.2, 0.5, 0.51, 0.9], 1), { head: 'sigmoid', threshold: 0.5 });
    expect(m.shape).toEqual([1, 4]);
    expect([...m.data]).toEqual([0, 0, 1, 1]);
  });

  test('several sigmoid channels: the highest channel if above the threshold, else background', () => {
    const m = classMap(probs([0.1, 0.3, 0.7, 0.2, 0.6, 0.8], 2), { head: 'sigmoid', threshold: 0.5 });
    expect([...m.data]).toEqual([0, 1, 2]);
  });

  test('softmax: arg-max, first class on ties, threshold ignored', () => {
    const m = classMap(probs([0.2, 0.5, 0.3, 0.6, 0.2, 0.2, 0.4, 0.4, 0.2], 3), { head: 'softmax', threshold: 0.99 });
    expect([...m.data]).toEqual([1, 0, 0]);
  });
});

describe('evaluateSemantic', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-semantic-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function write(name: string, rows: number[][]): Promise<string> {
    const file = path.join(dir, name);
    await writeImage(file, { data: Uint8Array.from(rows.flat()), shape: [rows.length, rows[0].length], axes: 'YX' });
    return file;
  }

  test('IoU per class and foreground IoU, pooled from summed intersections and unions', async () => {
    // Image a: gt 0 0 1 1 / pred 0 1 1 1 → class 0: 1/2, class 1: 2/3.
    // Image b: gt 1 1 1 1 / pred 1 1 0 0 → class 0: 0/2, class 1: 2/4.
    const pairs = [
      { name: 'a.png', groundTruthPath: await write('gt_a.png', [[0, 0, 1, 1]]), predictionPath: await write('p_a.png', [[0, 1, 1, 1]]) },
      { name: 'b.png', groundTruthPath: await write('gt_b.png', [[1, 1, 1, 1]]), predictionPath: await write('p_b.png', [[1, 1, 0, 0]]) },
    ];
    const m = await evaluateSemantic(pairs, { classes: 2, ndim: 2 });
    expect(m.per_image[0]).toEqual({ image: 'a.png', iou: { '0': 0.5, '1': 2 / 3 }, foreground_iou: 2 / 3 });
    expect(m.per_image[1]).toEqual({ image: 'b.png', iou: { '0': 0, '1': 0.5 }, foreground_iou: 0.5 });
    // Pooled: class 0 = (1 + 0) / (2 + 2); class 1 = (2 + 2) / (3 + 4) — not the mean of 2/3 and 1/2.
    expect(m.overall.iou).toEqual({ '0': 0.25, '1': 4 / 7 });
    expect(m.overall.foreground_iou).toBe(4 / 7);
  });

  test('a 0/255 ground truth is mapped to 0/1 like training labels; a class absent everywhere is null', async () => {
    const pairs = [{ name: 'c.png', groundTruthPath: await write('gt_c.png', [[0, 255, 255]]), predictionPath: await write('p_c.png', [[0, 1, 1]]) }];
    const m = await evaluateSemantic(pairs, { classes: 2, ndim: 2 });
    expect(m.overall).toEqual({ iou: { '0': 1, '1': 1 }, foreground_iou: 1 });
    const three = await evaluateSemantic([{ name: 'c.png', groundTruthPath: pairs[0].groundTruthPath, predictionPath: pairs[0].predictionPath }], { classes: 3, ndim: 2, mapping: { '255': 1 } });
    expect(three.overall.iou).toEqual({ '0': 1, '1': 1, '2': null });
  });

  test('mismatched shapes and values beyond the classes are input errors naming the file', async () => {
    const gt = await write('gt_d.png', [[0, 1, 2]]);
    const pred = await write('p_d.png', [[0, 1]]);
    await expect(evaluateSemantic([{ name: 'd.png', groundTruthPath: gt, predictionPath: pred }], { classes: 3, ndim: 2 })).rejects.toThrow(/p_d\.png.*1×2.*1×3|1×2.*gt_d\.png/);
    const pred3 = await write('p_e.png', [[0, 1, 2]]);
    await expect(evaluateSemantic([{ name: 'e.png', groundTruthPath: gt, predictionPath: pred3 }], { classes: 2, ndim: 2 })).rejects.toThrow(/value\(s\) 2/);
    await expect(evaluateSemantic([], { classes: 2, ndim: 2 })).rejects.toThrow(/no prediction/);
  });
});
