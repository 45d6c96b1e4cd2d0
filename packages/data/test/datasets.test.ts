import fs from 'node:fs';
import path from 'node:path';
import { coreSchema, type DataItem } from '@biaflow/core/internals';
import { DataCheckError, splitItems, type DataConfig } from '@biaflow/data';
import { writePoints, createKernel } from 'biaflow';
import { tempDir, writeTestImage } from './files';
import { prepareFor } from './prepare';

function config(raw: Record<string, unknown>, patch = [8, 8]): DataConfig {
  const c = coreSchema.parse(raw) as unknown as DataConfig;
  c.data.patch_size = patch;
  return c;
}

/** A folder of 2D training pairs: images with a bright square, labels 0/255 under it. */
function semanticFolder(n: number, size = [20, 24]): string {
  const root = tempDir();
  for (let i = 0; i < n; i++) {
    const [H, W] = size;
    const img = new Uint16Array(H * W);
    const lab = new Uint8Array(H * W);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const fg = y >= 5 + (i % 3) && y < 12 + (i % 3) && x >= 6 && x < 14;
        img[y * W + x] = (fg ? 3000 : 500) + ((x * 31 + y * 17 + i) % 50);
        lab[y * W + x] = fg ? 255 : 0;
      }
    writeTestImage(path.join(root, 'images', `img${i}.tif`), img, size);
    // Labels are .png while images are .tif: matched by stem.
    writeTestImage(path.join(root, 'labels', `img${i}.png`), lab, size);
  }
  return root;
}

describe('datasets', () => {
  test('the pre-training check reports a missing label, a label of another shape and a float label together (exit 2)', async () => {
    const root = semanticFolder(3);
    fs.rmSync(path.join(root, 'labels', 'img0.png'));
    writeTestImage(path.join(root, 'labels', 'img1.png'), new Uint8Array(240), [10, 24]);
    fs.rmSync(path.join(root, 'labels', 'img2.png'));
    writeTestImage(path.join(root, 'labels', 'img2.tif'), new Float32Array(480), [20, 24]);
    writeTestImage(path.join(root, 'images', 'img3.tif'), new Uint16Array(480), [20, 24]);
    writeTestImage(path.join(root, 'labels', 'img3.png'), new Uint8Array(480), [20, 24]);
    const cfg = config({ problem: { type: 'semantic' }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } });
    const err = await prepareFor(cfg).catch((e) => e);
    expect(err).toBeInstanceOf(DataCheckError);
    expect(err.exitCode).toBe(2);
    const lines: string[] = err.message.split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('img0.tif'))).toMatch(/has no label/);
    expect(lines.find((l) => l.includes('img1.png'))).toMatch(/label is 10×24 but its image img1.tif is 20×24/);
    expect(lines.find((l) => l.includes('img2.tif') && l.includes('labels'))).toMatch(/label is float32; labels must be integers/);
    expect(err.message).toMatch(/^the data has 3 files with problems/);
  });

  test('wrong dimensionality and channel count are reported per file', async () => {
    const root = semanticFolder(2);
    writeTestImage(path.join(root, 'images', 'img1.tif'), new Uint16Array(20 * 24 * 3), [20, 24, 3], 'YXC');
    writeTestImage(path.join(root, 'images', 'img2.tif'), new Uint16Array(2 * 20 * 24), [2, 20, 24]);
    writeTestImage(path.join(root, 'labels', 'img2.png'), new Uint8Array(480), [20, 24]);
    const cfg = config({ problem: { type: 'semantic' }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } });
    const err = await prepareFor(cfg).catch((e) => e);
    expect(err).toBeInstanceOf(DataCheckError);
    expect(err.message).toMatch(/img1.tif: has 3 channels, expected 1/);
    expect(err.message).toMatch(/img2.tif: is a 3D stack of 2 planes but the workflow is 2D/);
  });

  test('0/255 masks become 0/1; split.json records the seeded split; batches are pure functions of (seed, epoch, step)', async () => {
    const root = semanticFolder(10);
    const runDir = tempDir('biaflow-run-');
    const raw = { problem: { type: 'semantic' }, system: { seed: 7 }, train: { batch_size: 3 }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') }, val: { split: 0.2 } } };
    const a = await prepareFor(config(raw), { splitFile: path.join(runDir, 'split.json') });
    expect(a.labelMapping).toEqual({ '255': 1 });
    expect(a.split.val).toHaveLength(2);
    expect(a.split.train).toHaveLength(8);
    const json = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8'));
    expect(json.val.map((i: DataItem) => i.name)).toEqual(a.split.val.map((i) => i.name));
    expect(json.validation).toEqual({ source: 'split', fraction: 0.2 });
    expect(json.label_mapping).toEqual({ '255': 1 });
    expect(json.normalization.method).toBe('zscore');
    expect(fs.readdirSync(runDir).filter((f) => f.includes('.tmp'))).toEqual([]);

    const b1 = await a.training.batch(2, 1);
    expect(b1.x.shape).toEqual([3, 8, 8, 1]);
    expect(b1.y.shape).toEqual([3, 8, 8, 1]);
    expect([...b1.y.data].every((v) => v === 0 || v === 1)).toBe(true);
    // A second preparation (a resumed run), lazy this time, sees exactly the same batch.
    const lazy = await prepareFor(config({ ...raw, data: { ...raw.data, in_memory: false } }));
    expect(lazy.split.val.map((i) => i.name)).toEqual(a.split.val.map((i) => i.name));
    const b2 = await lazy.training.batch(2, 1);
    expect(b2.x.data).toEqual(b1.x.data);
    expect(b2.y.data).toEqual(b1.y.data);
    expect(b2.names).toEqual(b1.names);
    const other = await a.training.batch(2, 2);
    expect(other.x.data).not.toEqual(b1.x.data);
  });

  test('training patches are normalized and augmented; image and label stay aligned in every batch', async () => {
    const root = semanticFolder(4, [32, 32]);
    const raw = {
      problem: { type: 'semantic' },
      train: { batch_size: 4 },
      // Exact geometric augmentations, so any misalignment between image and label shows as a mismatch.
      augment: { rot90: { probability: 1 }, flip: { probability: 0.5 } },
      data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') }, sampling: { foreground_probability: 1 } },
    };
    const d = await prepareFor(config(raw, [16, 16]));
    for (let step = 0; step < 3; step++) {
      const { x, y } = await d.training.batch(0, step);
      let agree = 0;
      let fg = 0;
      for (let i = 0; i < y.data.length; i++) {
        // zscore-normalized: the bright square is well above 0, the background below.
        if ((x.data[i] > 0 ? 1 : 0) === y.data[i]) agree++;
        fg += y.data[i];
      }
      expect(agree).toBe(y.data.length);
      expect(fg).toBeGreaterThan(0); // foreground-weighted sampling: every batch sees foreground
    }
  });

  test('explicit labels.mapping wins over the automatic 0/255 rule', async () => {
    const root = semanticFolder(3);
    const raw = {
      problem: { type: 'semantic' },
      augment: { enabled: false },
      data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') }, labels: { mapping: { '255': 2 } } },
    };
    const d = await prepareFor(config(raw));
    expect(d.labelMapping).toEqual({ '255': 2 });
    const { y } = await d.training.batch(0, 0);
    expect(new Set(y.data).has(1)).toBe(false);
  });

  test('instance labels keep their ids, whatever the integer type', async () => {
    const root = tempDir();
    const lab = new Int32Array(16 * 16);
    for (let i = 0; i < lab.length; i++) lab[i] = i < 128 ? 70000 : 5;
    writeTestImage(path.join(root, 'images', 'a.tif'), new Uint8Array(256).fill(3), [16, 16]);
    writeTestImage(path.join(root, 'labels', 'a.tif'), lab, [16, 16]);
    const d = await prepareFor(
      config({ problem: { type: 'instance' }, augment: { enabled: false }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } }, [16, 16]),
    );
    expect(d.labelMapping).toBeNull();
    const { y } = await d.training.batch(0, 0);
    expect(new Set(y.data)).toEqual(new Set([70000, 5]));
  });

  test('plugins tap augment and preprocess: the workflow turns labels into targets', async () => {
    const root = semanticFolder(3);
    const kernel = await createKernel();
    const seen: string[] = [];
    kernel.hooks.augment.tap('test-augment', (sample) => {
      seen.push(`augment ${sample.name}`);
      return { ...sample, image: { data: sample.image.data.map(() => 42), shape: sample.image.shape } };
    });
    // After the workflow's own tap (stage 0): a plugin changing the target.
    kernel.hooks.preprocess.for('semantic').tap({ name: 'test-preprocess', stage: 10 }, (sample) => {
      const lab = sample.label!;
      // Two-channel target: background, foreground.
      const t = new Float32Array(lab.data.length * 2);
      for (let i = 0; i < lab.data.length; i++) t[2 * i + (lab.data[i] ? 1 : 0)] = 1;
      return { ...sample, target: { data: t, shape: [...lab.shape, 2] } };
    });
    const d = await prepareFor(
      config({ problem: { type: 'semantic' }, train: { batch_size: 2 }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } }),
      { kernel, workflowTargets: true },
    );
    const { x, y } = await d.training.batch(0, 0);
    expect(seen).toHaveLength(2);
    expect([...x.data].every((v) => v === 42)).toBe(true);
    expect(y.shape).toEqual([2, 8, 8, 2]);
    // Validation: preprocess runs, augmentation does not.
    seen.length = 0;
    const v = await d.training.validationBatch(0);
    expect(seen).toHaveLength(0);
    expect(v.y.shape[3]).toBe(2);
    expect([...v.x.data].some((value) => value !== 42)).toBe(true);
  });

  test('validation batches tile each validation image; images smaller than a patch are reflect-padded', async () => {
    const root = semanticFolder(2, [5, 7]);
    const d = await prepareFor(
      config({ problem: { type: 'semantic' }, train: { batch_size: 1 }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } }, [8, 8]),
    );
    expect(d.split.val).toHaveLength(1);
    expect(d.training.validationSteps).toBe(1);
    const v = await d.training.validationBatch(0);
    expect(v.x.shape).toEqual([1, 8, 8, 1]);
    // numpy reflect: row 5 of the patch mirrors row 3 of the image (edge row 4 not repeated).
    for (let x = 0; x < 7; x++) expect(v.x.data[5 * 8 + x]).toBe(v.x.data[3 * 8 + x]);
    let n = 0;
    for await (const batch of d.training.validation!()) n += batch.x.shape[0];
    expect(n).toBe(1);
  });

  test('a single training image and no validation folder: training runs without validation', async () => {
    const root = semanticFolder(1);
    const d = await prepareFor(config({ problem: { type: 'semantic' }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } }));
    expect(d.split.validation.source).toBe('none');
    expect(d.training.validation).toBeUndefined();
    expect(d.training.validationSteps).toBe(0);
  });

  test('classification: a folder per class, stratified seeded split, one-hot targets', async () => {
    const root = tempDir();
    for (const cls of ['cat', 'dog', 'eel'])
      for (let i = 0; i < 5; i++) writeTestImage(path.join(root, 'train', cls, `${cls}${i}.png`), new Uint8Array(36).fill(10 * i), [6, 6]);
    const d = await prepareFor(
      config({ problem: { type: 'classification' }, train: { batch_size: 5 }, data: { train: { images: path.join(root, 'train') }, val: { split: 0.2 } } }, [6, 6]),
      { workflowTargets: true },
    );
    expect(d.classes).toEqual(['cat', 'dog', 'eel']);
    expect(d.split.val.map((i) => i.className).sort()).toEqual(['cat', 'dog', 'eel']);
    const { y } = await d.training.batch(0, 0);
    expect(y.shape).toEqual([5, 3]);
    for (let i = 0; i < 5; i++) expect(y.data[i * 3] + y.data[i * 3 + 1] + y.data[i * 3 + 2]).toBe(1);
  });

  test('splitItems is seeded: same seed, same split; another seed, another one', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ name: `f${String(i).padStart(2, '0')}`, image: `/x/f${i}` }));
    const a = splitItems(items, 0.1, 1);
    expect(a.val).toHaveLength(5);
    expect(splitItems(items, 0.1, 1).val).toEqual(a.val);
    expect(splitItems(items, 0.1, 2).val).not.toEqual(a.val);
  });

  test('missing config keys are config errors', async () => {
    const err = await prepareFor(config({ problem: { type: 'semantic' } })).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/data.train.images: is required/);
    expect(err.message).toMatch(/data.train.labels: is required/);
  });

  test('detection: point CSVs pair with images by stem; points become a mask; points outside the image are reported', async () => {
    const root = tempDir();
    for (const name of ['p1', 'p2']) writeTestImage(path.join(root, 'images', `${name}.tif`), new Uint8Array(20 * 20).fill(9), [20, 20]);
    await writePoints(path.join(root, 'labels', 'p1.csv'), { ndim: 2, coordinates: Float64Array.from([3, 4, 10.4, 15.6]), classes: Int32Array.from([1, 2]) });
    await writePoints(path.join(root, 'labels', 'p2.csv'), { ndim: 2, coordinates: Float64Array.from([5, 5]) });
    const raw = { problem: { type: 'detection' }, augment: { enabled: false }, train: { batch_size: 1 }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') }, val: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } };
    const d = await prepareFor(config(raw, [20, 20]));
    const v = await d.training.validationBatch(0);
    const at = (y: number, x: number) => v.y.data[y * 20 + x];
    expect(v.names).toEqual(['p1.tif']);
    expect([at(3, 4), at(10, 16)]).toEqual([1, 2]);
    expect([...v.y.data].filter((value) => value !== 0)).toHaveLength(2);

    await writePoints(path.join(root, 'labels', 'p2.csv'), { ndim: 2, coordinates: Float64Array.from([5, 5, 25, 1]) });
    const err = await prepareFor(config(raw, [20, 20])).catch((e) => e);
    expect(err).toBeInstanceOf(DataCheckError);
    expect(err.message).toMatch(/p2.csv: point 2 \(row numbers\) lie outside the 20×20 image/);
  });

  test('3D volumes: patches [b, z, y, x, c] from the same pipeline', async () => {
    const root = tempDir();
    for (const name of ['v1', 'v2', 'v3']) {
      const vol = new Uint16Array(6 * 12 * 12).map((_, i) => i % 97);
      writeTestImage(path.join(root, 'images', `${name}.tif`), vol, [6, 12, 12]);
      writeTestImage(path.join(root, 'labels', `${name}.tif`), Uint16Array.from(vol, (v) => (v > 50 ? 3 : 0)), [6, 12, 12]);
    }
    const raw = { problem: { type: 'instance', ndim: 3 }, train: { batch_size: 2 }, augment: { flip: { probability: 1 } }, data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') } } };
    const d = await prepareFor(config(raw, [4, 8, 8]));
    const b = await d.training.batch(0, 0);
    expect(b.x.shape).toEqual([2, 4, 8, 8, 1]);
    expect(b.y.shape).toEqual([2, 4, 8, 8, 1]);
    expect(new Set(b.y.data)).toEqual(new Set([0, 3]));
  });
});
