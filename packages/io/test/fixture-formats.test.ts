import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readImage } from '@biaflow/io';

// Files written by tifffile / Pillow / libtiff (fixtures/make-fixtures.py); expected values come
// from those writers and from the metadata the files were written with.
const fixtures = path.join(__dirname, 'fixtures');
interface Case {
  file: string;
  shape: number[];
  dtype: string;
  sha256: string;
  axes?: string;
  spacing?: (number | null)[];
  frameInterval?: number;
  raw?: string;
}
const cases = (group: string) =>
  (JSON.parse(fs.readFileSync(path.join(fixtures, group, 'manifest.json'), 'utf8')) as { cases: Case[] }).cases.map(
    (c) => [c.file, c] as const,
  );
const sha = (d: ArrayBufferView) => createHash('sha256').update(Buffer.from(d.buffer, d.byteOffset, d.byteLength)).digest('hex');

function expectSpacing(actual: (number | null)[], expected: (number | null)[]) {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    if (e === null) expect(actual[i]).toBeNull();
    else expect(actual[i]).toBeCloseTo(e, 6);
  });
}

describe.each(['ome', 'imagej', 'shaped'])('%s TIFF fixtures', (group) => {
  it.each(cases(group))('%s: shape, dtype, checksum, axes and spacing', async (_, c) => {
    const image = await readImage(path.join(fixtures, group, c.file));
    expect(image.shape).toEqual(c.shape);
    expect(image.dtype).toBe(c.dtype);
    expect(sha(image.data)).toBe(c.sha256);
    expect(image.axes).toBe(c.axes);
    expect(image.metadataSource).toBe(group);
    expectSpacing(image.spacing, c.spacing!);
    if (c.frameInterval !== undefined) expect(image.frameInterval).toBeCloseTo(c.frameInterval, 9);
  });
});

describe('TIFFs written by libtiff (LZW filling the 12-bit table, LZW + predictor, deflate RGB, PackBits)', () => {
  it.each(cases('libtiff'))('%s decodes to the array that was written', async (_, c) => {
    const image = await readImage(path.join(fixtures, 'libtiff', c.file));
    expect(image.shape).toEqual(c.shape);
    expect(image.dtype).toBe(c.dtype);
    expect(sha(image.data)).toBe(c.sha256);
  });
});

describe('PNG', () => {
  it.each(cases('png'))('%s decodes like Pillow', async (_, c) => {
    const image = await readImage(path.join(fixtures, 'png', c.file));
    expect(image.shape).toEqual(c.shape);
    expect(image.dtype).toBe(c.dtype);
    expect(sha(image.data)).toBe(c.sha256);
    expect(image.axes).toBe(c.shape.length === 2 ? 'YX' : 'YXS');
  });

  it('takes the spacing from pHYs (pixels per metre)', async () => {
    const image = await readImage(path.join(fixtures, 'png', 'grey8.png'));
    expectSpacing(image.spacing, [0.5, 0.5]);
    expectSpacing((await readImage(path.join(fixtures, 'png', 'rgb8.png'))).spacing, [null, null, null]);
  });
});

describe('JPEG', () => {
  // Decoders may round the inverse DCT differently; with 4:2:0 chroma they also upsample differently.
  const tolerance: Record<string, { max: number; mean: number }> = {
    'grey.jpg': { max: 2, mean: 0.5 },
    'rgb444.jpg': { max: 3, mean: 1 },
    'rgb.jpg': { max: 16, mean: 5 },
  };
  it.each(cases('jpeg'))('%s decodes close to Pillow', async (_, c) => {
    const image = await readImage(path.join(fixtures, 'jpeg', c.file));
    expect(image.shape).toEqual(c.shape);
    expect(image.dtype).toBe('uint8');
    expect(image.axes).toBe(c.shape.length === 2 ? 'YX' : 'YXS');
    const ref = fs.readFileSync(path.join(fixtures, 'jpeg', c.raw!));
    expect(image.data.length).toBe(ref.length);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(ref[i] - image.data[i]);
      max = Math.max(max, d);
      sum += d;
    }
    expect(max).toBeLessThanOrEqual(tolerance[c.file].max);
    expect(sum / ref.length).toBeLessThanOrEqual(tolerance[c.file].mean);
  });
});
