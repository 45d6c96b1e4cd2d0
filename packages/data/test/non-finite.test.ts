import fs from 'node:fs';
import path from 'node:path';
import { coreSchema, InputError, screenNonFinite } from '@biaflow/core/internals';
import { countNonFinite } from '@biaflow/image';
import { DataCheckError, type DataConfig } from '@biaflow/data';
import { tempDir, writeTestImage } from './files';
import { prepareFor } from './prepare';

/** NaN and infinite pixels (`data.nan`): the screen itself, and the data pipeline that uses it. */

const H = 16;
const W = 16;

/** numpy's median. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

describe('screenNonFinite', () => {
  test('counts NaN and ±∞ apart; refuses naming the file and both counts', () => {
    const data = Float32Array.from({ length: 100 }, (_, i) => i);
    data[3] = NaN;
    data[4] = NaN;
    data[50] = Infinity;
    data[60] = -Infinity;
    expect(countNonFinite(data)).toEqual({ nan: 2, infinite: 2 });
    const image = { data, shape: [10, 10, 1] };
    expect(() => screenNonFinite(image, '/d/x.tif', 'refuse')).toThrow(InputError);
    expect(() => screenNonFinite(image, '/d/x.tif', 'refuse')).toThrow('/d/x.tif: holds 2 NaN and 2 infinite values (of 100 samples)');
  });

  test('replace: each channel by the median of its own finite values; the input is not changed', () => {
    // Interleaved channels (model layout): channel 0 around 10, channel 1 around 1000.
    const n = 9;
    const data = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      data[i * 2] = 10 + i;
      data[i * 2 + 1] = 1000 + 3 * i * i;
    }
    data[2 * 2] = NaN; // channel 0
    data[5 * 2 + 1] = Infinity; // channel 1
    data[7 * 2 + 1] = NaN; // channel 1
    const before = Float64Array.from(data);
    const { image, replaced } = screenNonFinite({ data, shape: [3, 3, 2] }, 'x', 'replace');
    const finite0 = [...Array(n).keys()].filter((i) => i !== 2).map((i) => 10 + i);
    const finite1 = [...Array(n).keys()].filter((i) => i !== 5 && i !== 7).map((i) => 1000 + 3 * i * i);
    expect(replaced).toEqual({ nan: 2, infinite: 1, values: [median(finite0), median(finite1)] });
    expect(image.data[2 * 2]).toBe(median(finite0));
    expect(image.data[5 * 2 + 1]).toBe(median(finite1));
    expect(image.data[7 * 2 + 1]).toBe(median(finite1));
    expect(countNonFinite(image.data as Float64Array)).toEqual({ nan: 0, infinite: 0 });
    expect(Array.from(data)).toEqual(Array.from(before));
  });

  test('an Image with its channels first (axes CYX) is replaced per channel too', () => {
    const data = new Float32Array([1, 2, 3, NaN, 100, 200, 300, 400]);
    const image = { data, shape: [2, 2, 2], axes: 'CYX', spacing: [null, null, null], dtype: 'float32' as const };
    const { image: out } = screenNonFinite(image, 'x', 'replace');
    expect(Array.from(out.data)).toEqual([1, 2, 3, 2, 100, 200, 300, 400]);
  });

  test('a channel with no finite value is refused even with replace; a clean or integer image is returned as it is', () => {
    const allNaN = { data: new Float32Array([NaN, 1, NaN, 2]), shape: [2, 1, 2] };
    expect(() => screenNonFinite(allNaN, 'x', 'replace')).toThrow('x: channel 0 holds no finite value (2 NaN values)');
    const clean = { data: new Float32Array([0, 1, 2, 3]), shape: [2, 2, 1] };
    expect(screenNonFinite(clean, 'x', 'refuse').image).toBe(clean);
    const integers = { data: new Uint16Array([0, 65535]), shape: [1, 2, 1] };
    expect(screenNonFinite(integers, 'x', 'refuse').image).toBe(integers);
  });
});

describe('the data pipeline', () => {
  /** Two float32 training pairs; the first image has NaN pixels. Labels 0/1 under a bright square. */
  function floatFolder(): { root: string; spoilt: string; values: number[] } {
    const root = tempDir();
    let values: number[] = [];
    for (let k = 0; k < 2; k++) {
      const img = new Float32Array(H * W);
      const lab = new Uint8Array(H * W);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const fg = y >= 4 && y < 10 && x >= 5 && x < 12;
          img[y * W + x] = (fg ? 30 : 5) + ((x * 7 + y * 3 + k) % 11) / 10;
          lab[y * W + x] = fg ? 1 : 0;
        }
      if (k === 0) {
        for (let i = 0; i < 12; i++) img[i * 13] = NaN;
        values = Array.from(img);
      }
      writeTestImage(path.join(root, 'images', `f${k}.tif`), img, [H, W]);
      writeTestImage(path.join(root, 'labels', `f${k}.png`), lab, [H, W]);
    }
    return { root, spoilt: path.join(root, 'images', 'f0.tif'), values };
  }

  function config(root: string, data: Record<string, unknown> = {}): DataConfig {
    const c = coreSchema.parse({
      problem: { type: 'semantic' },
      train: { batch_size: 2 },
      data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') }, val: { images: path.join(root, 'images'), labels: path.join(root, 'labels') }, ...data },
    }) as unknown as DataConfig;
    c.data.patch_size = [8, 8];
    return c;
  }

  test('data.nan defaults to refuse: the check lists the image with its NaN count (exit 2)', async () => {
    const { root, spoilt } = floatFolder();
    expect(config(root).data.nan).toBe('refuse');
    const err = await prepareFor(config(root)).catch((e) => e);
    expect(err).toBeInstanceOf(DataCheckError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`${spoilt}: holds 12 NaN values (of 256 samples)`);
  });

  test('replace: every batch is finite, the log is told once per file, and data.in_memory false gives the same batches', async () => {
    const { root, spoilt, values } = floatFolder();
    const told: unknown[] = [];
    const logger = { warn: (fields: unknown) => told.push(fields), info: () => {} } as never;
    const settings = { nan: 'replace', normalization: { scope: 'dataset' } };
    const memory = await prepareFor(config(root, settings), { logger });
    // Training and validation (the same folder here) each read the image once, each told.
    expect(told).toEqual([
      expect.objectContaining({ event: 'nan-replaced', file: spoilt, nan: 12, value: [median(values.filter(Number.isFinite))] }),
      expect.objectContaining({ event: 'nan-replaced', file: spoilt, nan: 12 }),
    ]);
    const lazy = await prepareFor(config(root, { ...settings, in_memory: false }));
    for (let step = 0; step < memory.training.stepsPerEpoch; step++) {
      const a = await memory.training.batch(0, step);
      const b = await lazy.training.batch(0, step);
      expect(countNonFinite(a.x.data)).toEqual({ nan: 0, infinite: 0 });
      expect(b.x.data).toEqual(a.x.data);
    }
    for (let i = 0; i < memory.training.validationSteps; i++) expect(countNonFinite((await memory.training.validationBatch(i)).x.data).nan).toBe(0);
    // The dataset statistics were measured on the replaced values.
    const stats = Object.values(memory.normalization.stats ?? {}).flat() as number[];
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.every(Number.isFinite)).toBe(true);
  });

  test('a float label holding NaN is refused naming the file and the count, even with replace', async () => {
    const { root } = floatFolder();
    const label = new Float32Array(H * W);
    label[0] = NaN;
    fs.rmSync(path.join(root, 'labels', 'f1.png'));
    writeTestImage(path.join(root, 'labels', 'f1.tif'), label, [H, W]);
    const err = await prepareFor(config(root, { nan: 'replace' })).catch((e) => e);
    expect(err).toBeInstanceOf(DataCheckError);
    expect(err.message).toContain(`${path.join(root, 'labels', 'f1.tif')}: label is float32 holding 1 NaN value; labels must be integers`);
  });
});
