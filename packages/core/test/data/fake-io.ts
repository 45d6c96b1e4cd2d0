import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataIO, DType, Image, NdArray } from '@biaflow/core';

/**
 * A stand-in image store for data-pipeline tests: each "image file" is JSON
 * `{dtype, axes, shape, data}`. It lets these tests exercise listing, pairing, checks and batches
 * without depending on the TIFF codec (tested on its own).
 */
const CTORS: Record<DType, new (a: ArrayLike<number>) => Image['data']> = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

export const fakeIO: DataIO = {
  listImageFiles(dir) {
    if (!fs.existsSync(dir)) throw new Error(`${dir}: image folder does not exist`);
    if (fs.statSync(dir).isFile()) return [path.resolve(dir)];
    return fs
      .readdirSync(dir)
      .filter((n) => /\.(tif|tiff|png)$/i.test(n))
      .sort()
      .map((n) => path.resolve(dir, n));
  },
  async readImage(file) {
    const text = fs.readFileSync(file, 'utf8');
    let j: { dtype: DType; axes: string; shape: number[]; data: number[] };
    try {
      j = JSON.parse(text);
    } catch {
      throw new Error(`${file}: cannot decode image file`);
    }
    return { dtype: j.dtype, axes: j.axes, shape: j.shape, spacing: j.shape.map(() => null), data: new CTORS[j.dtype](j.data) };
  },
  toModelLayout(image: Image, ndim: 2 | 3, what = 'image'): NdArray {
    const hasC = image.axes.endsWith('C');
    const spatialAxes = hasC ? image.axes.slice(0, -1) : image.axes;
    if (spatialAxes.length !== ndim) throw new Error(`${what}: is ${spatialAxes.length}D but the workflow is ${ndim}D`);
    const c = hasC ? image.shape[image.shape.length - 1] : 1;
    return { data: image.data, shape: [...image.shape.slice(0, ndim), c] };
  },
};

export function tempDir(prefix = 'biaflow-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFake(file: string, dtype: DType, shape: number[], data: ArrayLike<number>, axes?: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const ax = axes ?? (shape.length === 3 ? 'ZYX' : 'YX');
  fs.writeFileSync(file, JSON.stringify({ dtype, axes: ax, shape, data: Array.from(data) }));
}
