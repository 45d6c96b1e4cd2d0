import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readImage, readImageSync, writeImage } from '@biaflow/io';
import type { Image, NdArray, TypedArray } from '@biaflow/image';
import { readWithTifffile, tifffileAvailable, type TifffileView } from './tifffile-peer';

const sha = (d: ArrayBufferView) => createHash('sha256').update(Buffer.from(d.buffer, d.byteOffset, d.byteLength)).digest('hex');

/** Deterministic pseudo-random fill (no Math.random: failures must reproduce). */
function fill<T extends TypedArray>(a: T, f: (i: number) => number): T {
  for (let i = 0; i < a.length; i++) a[i] = f(i);
  return a;
}
const hash = (i: number) => ((Math.imul(i + 1, 2654435761) >>> 0) % 1000003) / 1000003;

interface RoundTrip {
  name: string;
  image: NdArray & Partial<Pick<Image, 'axes' | 'spacing' | 'frameInterval'>>;
  compression: 'none' | 'deflate';
  /** What our reader must return. */
  axes: string;
  dtype: string;
  spacing: (number | null)[];
  /** tifffile's view: numpy dtype name and ImageJ metadata entries that must be present. */
  numpyDtype: string;
  imagej: Record<string, string | number>;
}

const labels3d = fill(new Int32Array(6 * 40 * 50), (i) => Math.floor(hash(i) * 250000)); // > 65535 objects
const cases: RoundTrip[] = [
  {
    name: 'int32 labels ZYX, deflate (ids above 65535)',
    image: { data: labels3d, shape: [6, 40, 50], axes: 'ZYX', spacing: [2, 0.5, 0.5] },
    compression: 'deflate',
    axes: 'ZYX',
    dtype: 'int32',
    spacing: [2, 0.5, 0.5],
    numpyDtype: 'int32',
    imagej: { slices: 6, spacing: 2, unit: 'micron' },
  },
  {
    name: 'uint16 ZCYX, uncompressed, calibrated',
    image: { data: fill(new Uint16Array(3 * 2 * 20 * 30), (i) => Math.floor(hash(i) * 65535)), shape: [3, 2, 20, 30], axes: 'ZCYX', spacing: [1.25, null, 0.1625, 0.1625] },
    compression: 'none',
    axes: 'ZCYX',
    dtype: 'uint16',
    spacing: [1.25, null, 0.1625, 0.1625],
    numpyDtype: 'uint16',
    imagej: { channels: 2, slices: 3, images: 6, spacing: 1.25, unit: 'micron' },
  },
  {
    name: 'uint8 2D without axes or spacing',
    image: { data: fill(new Uint8Array(33 * 47), (i) => Math.floor(hash(i) * 255)), shape: [33, 47] },
    compression: 'none',
    axes: 'YX',
    dtype: 'uint8',
    spacing: [null, null],
    numpyDtype: 'uint8',
    imagej: { images: 1 },
  },
  {
    name: 'float32 TZYX, deflate',
    image: { data: fill(new Float32Array(2 * 3 * 16 * 17), (i) => hash(i) * 10 - 5), shape: [2, 3, 16, 17], axes: 'TZYX', spacing: [null, 3, 0.2, 0.3], frameInterval: 2.5 },
    compression: 'deflate',
    axes: 'TZYX',
    dtype: 'float32',
    spacing: [null, 3, 0.2, 0.3],
    numpyDtype: 'float32',
    imagej: { frames: 2, slices: 3, spacing: 3, unit: 'micron', finterval: 2.5 },
  },
  {
    name: 'uint16 2D large enough for several strips, deflate with predictor',
    image: { data: fill(new Uint16Array(300 * 700), (i) => (i % 700) * 50 + Math.floor(hash(i) * 30)), shape: [300, 700], spacing: [0.25, 0.25] },
    compression: 'deflate',
    axes: 'YX',
    dtype: 'uint16',
    spacing: [0.25, 0.25],
    numpyDtype: 'uint16',
    imagej: { images: 1, unit: 'micron' },
  },
  {
    name: 'uint32 2D (values above 2^31)',
    image: { data: fill(new Uint32Array(20 * 21), (i) => 2 ** 31 + i * 1000003), shape: [20, 21] },
    compression: 'deflate',
    axes: 'YX',
    dtype: 'uint32',
    spacing: [null, null],
    numpyDtype: 'uint32',
    imagej: { images: 1 },
  },
  {
    name: 'uint8 RGB (YXS)',
    image: { data: fill(new Uint8Array(12 * 14 * 3), (i) => Math.floor(hash(i) * 255)), shape: [12, 14, 3], axes: 'YXS' },
    compression: 'none',
    axes: 'YXS',
    dtype: 'uint8',
    spacing: [null, null, null],
    numpyDtype: 'uint8',
    imagej: { images: 1 },
  },
];

function expectSpacing(actual: (number | null)[], expected: (number | null)[]) {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    if (e === null) expect(actual[i]).toBeNull();
    else expect(actual[i]).toBeCloseTo(e, 9);
  });
}

describe('writeImage → readImage (and tifffile) round trips', () => {
  let dir: string;
  const written: { c: RoundTrip; file: string }[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-io-'));
    for (const [i, c] of cases.entries()) {
      const file = path.join(dir, `case${i}.tif`);
      await writeImage(file, c.image, { compression: c.compression });
      written.push({ c, file });
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(cases.map((c, i) => [c.name, i] as const))('%s reads back identically with our reader', async (_, i) => {
    const { c, file } = written[i];
    const back = await readImage(file);
    expect(back.shape).toEqual(c.image.shape);
    expect(back.dtype).toBe(c.dtype);
    expect(back.axes).toBe(c.axes);
    expect(back.metadataSource).toBe('imagej');
    expectSpacing(back.spacing, c.spacing);
    expect(sha(back.data)).toBe(sha(c.image.data));
    expect(back.frameInterval).toBe(c.image.frameInterval);
  });

  it('reads back identically with tifffile, with the ImageJ axes and calibration', () => {
    if (!tifffileAvailable()) return; // said so with console.warn; our reader was checked above
    const views: TifffileView[] = readWithTifffile(written.map((w) => w.file));
    views.forEach((v, i) => {
      const { c } = written[i];
      expect({ name: c.name, shape: v.shape, dtype: v.dtype, sha: v.sha256 }).toEqual({
        name: c.name,
        shape: c.image.shape,
        dtype: c.numpyDtype,
        sha: sha(c.image.data),
      });
      expect(v.isImagej).toBe(true);
      expect(v.axes).toBe(c.axes);
      expect(v.imagej).toMatchObject(c.imagej);
      expect(v.compression).toBe(c.compression === 'deflate' ? 8 : 1);
      const sx = c.spacing[c.axes.indexOf('X')];
      if (sx === null) expect(v.xResolution).toBeNull();
      else expect(v.xResolution![0] / v.xResolution![1]).toBeCloseTo(1 / sx, 6);
    });
  });

  it('transposes other axis orders into ImageJ order (TZCYX) on write', async () => {
    // [y, x, z] in, ZYX out: out[z][y][x] == in[y][x][z]
    const Y = 5;
    const X = 7;
    const Z = 3;
    const data = fill(new Uint16Array(Y * X * Z), (i) => i);
    const file = path.join(dir, 'yxz.tif');
    await writeImage(file, { data, shape: [Y, X, Z], axes: 'YXZ', spacing: [0.5, 0.5, 2] });
    const back = readImageSync(file);
    expect(back.axes).toBe('ZYX');
    expect(back.shape).toEqual([Z, Y, X]);
    expectSpacing(back.spacing, [2, 0.5, 0.5]);
    for (let z = 0; z < Z; z++)
      for (let y = 0; y < Y; y++)
        for (let x = 0; x < X; x++) expect(back.data[(z * Y + y) * X + x]).toBe(data[(y * X + x) * Z + z]);
  });

  it('lays uncompressed planes out contiguously, so a reader using only the first IFD (as ImageJ does) gets them all', async () => {
    const file = path.join(dir, 'contiguous.tif');
    const data = fill(new Uint16Array(4 * 9 * 11), (i) => i * 3);
    await writeImage(file, { data, shape: [4, 9, 11] });
    const bytes = fs.readFileSync(file);
    // Cut the IFD chain after the first page: the ImageJ header still says images=4.
    const n = bytes.readUInt16LE(8);
    bytes.writeUInt32LE(0, 8 + 2 + 12 * n);
    const cut = path.join(dir, 'contiguous-first-ifd-only.tif');
    fs.writeFileSync(cut, bytes);
    const back = readImageSync(cut);
    expect(back.shape).toEqual([4, 9, 11]);
    expect(sha(back.data)).toBe(sha(data));
  });

  it('leaves nothing behind when an image cannot be encoded', async () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    await expect(writeImage(path.join(sub, 'bad.tif'), { data: new Float32Array(4), shape: [2, 2, 1, 1, 1] })).rejects.toThrow(
      /bad\.tif: cannot tell the axes of a 5-D array/,
    );
    expect(fs.readdirSync(sub)).toEqual([]);
  });
});

describe('PNG writing', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-png-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['uint8', new Uint8Array(19 * 23).map((_, i) => (i * 37) % 256)],
    ['uint16', new Uint16Array(19 * 23).map((_, i) => (i * 4099) % 65536)],
  ] as const)('grey %s round-trips through our reader and Pillow', async (name, data) => {
    const file = path.join(dir, `${name}.png`);
    await writeImage(file, { data, shape: [19, 23] });
    const back = await readImage(file);
    expect(back.shape).toEqual([19, 23]);
    expect(back.dtype).toBe(name);
    expect(sha(back.data)).toBe(sha(data));
    const py = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import sys,numpy as np; from PIL import Image; a=np.asarray(Image.open(sys.argv[1])); print(a.shape, int(a.astype(np.int64).sum()))', file],
      { encoding: 'utf8' },
    );
    if (py.status !== 0) {
      console.warn(`SKIPPED the Pillow half of the PNG check (${py.error?.message ?? py.stderr.trim().split('\n').pop()})`);
      return;
    }
    const sum = Array.from(data as ArrayLike<number>).reduce((a, b) => a + b, 0);
    expect(py.stdout.trim()).toBe(`(19, 23) ${sum}`);
  });

  it('refuses what PNG cannot hold, naming the file', async () => {
    const file = path.join(dir, 'f.png');
    await expect(writeImage(file, { data: new Float32Array(4), shape: [2, 2] })).rejects.toThrow(/f\.png: PNG holds uint8 or uint16/);
    await expect(writeImage(file, { data: new Uint8Array(8), shape: [2, 2, 2] })).rejects.toThrow(/PNG holds 2D images/);
    await expect(writeImage(path.join(dir, 'x.bmp'), { data: new Uint8Array(4), shape: [2, 2] })).rejects.toThrow(/\.bmp/);
  });
});
