import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@biaflow/core/internals';
import { readImage, readImageSync } from '@biaflow/io';

const tiffs = path.join(__dirname, 'fixtures', 'tiff');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-bad-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** The error `readImageSync` throws, asserting it is an InputError that names the file. */
function errorOf(file: string): InputError {
  let caught: unknown;
  try {
    readImageSync(file);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  const e = caught as InputError;
  expect(e.file).toBe(file);
  expect(e.message.startsWith(`${file}: `)).toBe(true);
  expect(e.exitCode).toBe(2);
  return e;
}

/** Set the value of one (inline, SHORT) tag of the first IFD of a little-endian classic TIFF. */
function patchTag(bytes: Buffer, tag: number, value: number): Buffer {
  const out = Buffer.from(bytes);
  const ifd = out.readUInt32LE(4);
  const n = out.readUInt16LE(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + 12 * i;
    if (out.readUInt16LE(e) === tag) {
      out.writeUInt16LE(value, e + 8);
      return out;
    }
  }
  throw new Error(`tag ${tag} not in the first IFD`);
}

describe('bad image files give an InputError naming the file and what is wrong', () => {
  it('a text file named .tif', () => {
    const file = put('notes.tif', 'This is not an image.\nJust text.\n');
    expect(errorOf(file).message).toMatch(/not a TIFF file: it starts with bytes 54 68 69 73/);
  });

  it('an empty file', () => {
    expect(errorOf(put('empty.tif', '')).message).toMatch(/not a TIFF file: the file is empty/);
  });

  it('a file that does not exist', async () => {
    const file = path.join(dir, 'missing.tif');
    await expect(readImage(file)).rejects.toThrow(`${file}: image file does not exist`);
  });

  it.each(['u16_3d_imagej.tif', 'f32_3d_zlib.tif', 'u16_lzw_tiffcp.tif', 'u16_tiled.tif', 'f32_bigtiff.tif'])(
    '%s cut short anywhere is reported as truncated or corrupt',
    (name) => {
      const whole = fs.readFileSync(path.join(tiffs, name));
      // Cut at 20 places across the file, including inside the header and inside compressed strips.
      for (let k = 0; k < 20; k++) {
        const at = Math.floor((whole.length * k) / 20) + 3;
        const file = put(`cut-${k}-${name}`, whole.subarray(0, at));
        expect(errorOf(file).message).toMatch(/truncated|corrupt/);
      }
    },
  );

  it('truncated TIFF: the message says how much is missing', () => {
    const whole = fs.readFileSync(path.join(tiffs, 'u8_2d.tif'));
    const file = put('cut.tif', whole.subarray(0, whole.length - 500));
    expect(errorOf(file).message).toMatch(/truncated TIFF: .* (ends at|the file has) \d+/);
  });

  it.each([
    [7, /unsupported TIFF compression JPEG \(code 7\)/],
    [50000, /unsupported TIFF compression Zstandard \(code 50000\)/],
    [34887, /unsupported TIFF compression LERC \(code 34887\)/],
    [12345, /unsupported TIFF compression unknown compression code 12345/],
  ])('unsupported compression %d is named', (code, message) => {
    const bytes = patchTag(fs.readFileSync(path.join(tiffs, 'u8_2d.tif')), 259, code);
    expect(errorOf(put(`comp-${code}.tif`, bytes)).message).toMatch(message);
  });

  it('unsupported sample types are named', () => {
    const base = fs.readFileSync(path.join(tiffs, 'u8_2d.tif'));
    expect(errorOf(put('bits12.tif', patchTag(base, 258, 12))).message).toMatch(/unsupported TIFF data type: 12-bit unsigned integer/);
    const complex = patchTag(fs.readFileSync(path.join(tiffs, 'f32_3d_zlib.tif')), 339, 6);
    expect(errorOf(put('complex.tif', complex)).message).toMatch(/unsupported TIFF data type: 32-bit complex float/);
  });

  it('corrupt deflate data names the strip', () => {
    const bytes = Buffer.from(fs.readFileSync(path.join(tiffs, 'f32_3d_zlib.tif')));
    // Overwrite the zlib header of the first strip.
    const ifd = bytes.readUInt32LE(4);
    const n = bytes.readUInt16LE(ifd);
    let offset = -1;
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + 12 * i;
      if (bytes.readUInt16LE(e) === 273) offset = bytes.readUInt32LE(e + 8);
    }
    bytes.fill(0xff, offset, offset + 8);
    expect(errorOf(put('bad-zlib.tif', bytes)).message).toMatch(/corrupt or truncated TIFF: deflate data of strip 0 of page 0 does not decode/);
  });

  it('a truncated PNG and a broken JPEG', () => {
    const png = fs.readFileSync(path.join(__dirname, 'fixtures', 'png', 'grey16.png'));
    expect(errorOf(put('cut.png', png.subarray(0, png.length - 40))).message).toMatch(/corrupt or truncated PNG/);
    const jpg = fs.readFileSync(path.join(__dirname, 'fixtures', 'jpeg', 'rgb.jpg'));
    expect(errorOf(put('cut.jpg', jpg.subarray(0, 120))).message).toMatch(/JPEG/);
  });

  it('a PNG named .tif is read by its content', () => {
    const png = fs.readFileSync(path.join(__dirname, 'fixtures', 'png', 'grey8.png'));
    expect(readImageSync(put('really-a-png.tif', png)).shape).toEqual([13, 17]);
  });
});
