import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readImage, readImageSync } from '@biaflow/io';

// The 12 TIFF variants in fixtures/tiff were written by tifffile and libtiff's tiffcp (see its
// manifest.json); shape, dtype and the sha256 of the C-order bytes come from tifffile, not from us.
const dir = path.join(__dirname, 'fixtures', 'tiff');
interface Case {
  file: string;
  shape: number[];
  dtype: string;
  note: string;
  sum: number;
  first: number[];
  last: number[];
  sha256_of_c_order_bytes: string;
}
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { cases: Case[] };

describe('reading the reference TIFF variants', () => {
  it('has all 12 variants', () => {
    expect(manifest.cases).toHaveLength(12);
  });

  it.each(manifest.cases.map((c) => [c.file, c] as const))('%s reads with the shape, dtype and checksum tifffile gives', async (_, c) => {
    const image = await readImage(path.join(dir, c.file));
    expect(image.shape).toEqual(c.shape);
    // tifffile's bool is our uint8 0/1 (same bytes)
    expect(image.dtype).toBe(c.dtype === 'bool' ? 'uint8' : c.dtype);
    expect(image.axes).toHaveLength(c.shape.length);
    expect(image.spacing).toHaveLength(c.shape.length);
    const bytes = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(c.sha256_of_c_order_bytes);
    const values = Array.from(image.data as ArrayLike<number>);
    const expected = (v: number | boolean) => (c.dtype === 'float32' ? Math.fround(Number(v)) : Number(v));
    expect(values.slice(0, 5)).toEqual(c.first.map(expected));
    expect(values.slice(-5)).toEqual(c.last.map(expected));
    let sum = 0;
    for (const v of values) sum += v;
    expect(sum).toBeCloseTo(c.sum, 3);
  });

  it('reads axes and calibration from ImageJ hyperstacks', () => {
    const zyx = readImageSync(path.join(dir, 'u16_3d_imagej.tif'));
    expect(zyx.axes).toBe('ZYX');
    expect(zyx.metadataSource).toBe('imagej');
    expect(zyx.spacing).toEqual([2, 0.5, 0.5]);
    const zcyx = readImageSync(path.join(dir, 'u16_czyx_imagej.tif'));
    expect(zcyx.axes).toBe('ZCYX');
  });

  it('names plain stacks ZYX, RGB YXS and planar RGB SYX (as tifffile does)', () => {
    expect(readImageSync(path.join(dir, 'f32_3d_zlib.tif')).axes).toBe('ZYX');
    expect(readImageSync(path.join(dir, 'u16_lzw_tiffcp.tif')).axes).toBe('ZYX');
    expect(readImageSync(path.join(dir, 'u8_rgb.tif')).axes).toBe('YXS');
    // tifffile stored these (3, h, w) arrays as planar RGB (PlanarConfiguration 2)
    expect(readImageSync(path.join(dir, 'u16_bigendian.tif')).axes).toBe('SYX');
    expect(readImageSync(path.join(dir, 'f32_bigtiff.tif')).axes).toBe('SYX');
    expect(readImageSync(path.join(dir, 'u8_2d.tif')).spacing).toEqual([null, null]);
  });
});
