import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { InputError } from '@biaflow/core/internals';
import { readImage, readImageSync } from '@biaflow/io';

/**
 * Decompression bombs: files of a few hundred bytes whose header announces 30000×30000 pixels. The
 * cap on the decoded size (`maxMegavoxels`, the run's `system.max_image_megavoxels`) refuses them
 * from the header. The same bytes with a higher cap reach the decoder, which fails on the tiny or
 * corrupt data: so the cap error proves the decoder never ran.
 */
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-cap-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** An 8-bit grey PNG whose IHDR says `width`×`height`, with the given IDAT bytes. */
function png(width: number, height: number, idat: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** A baseline JPEG whose frame header (SOF0) says `width`×`height`, one component, and nothing after it. */
function jpeg(width: number, height: number): Buffer {
  const sof = [0xff, 0xc0, 0x00, 0x0b, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  return Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

/** A little-endian classic TIFF whose IFD says `width`×`height`, 8-bit grey, one strip of `strip` bytes. */
function tiff(width: number, height: number, compression: number, strip: Uint8Array): Buffer {
  const entries: [number, number, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8],
    [259, 3, compression],
    [262, 3, 1],
    [273, 4, 0], // strip offset, filled below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, strip.length],
  ];
  const ifdSize = 2 + 12 * entries.length + 4;
  const dataAt = 8 + ifdSize;
  const out = Buffer.alloc(dataAt + strip.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const e = 10 + 12 * i;
    out.writeUInt16LE(tag, e);
    out.writeUInt16LE(type, e + 2);
    out.writeUInt32LE(1, e + 4);
    if (type === 3) out.writeUInt16LE(value, e + 8);
    else out.writeUInt32LE(tag === 273 ? dataAt : value, e + 8);
  });
  out.set(strip, dataAt);
  return out;
}

async function errorOf(file: string, maxMegavoxels?: number): Promise<InputError> {
  let caught: unknown;
  try {
    await readImage(file, maxMegavoxels === undefined ? undefined : { maxMegavoxels });
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  expect((caught as InputError).exitCode).toBe(2);
  expect((caught as InputError).message.startsWith(`${file}: `)).toBe(true);
  return caught as InputError;
}

const CAP_MESSAGE = /image is 30000×30000×1 = 900 megavoxels, more than the limit of 100 \(system\.max_image_megavoxels\); refused before decoding/;

describe('the decoded size is capped from the header, before any decoding', () => {
  it('PNG: an IHDR of 30000×30000 with a corrupt IDAT is refused by the cap, not by zlib', async () => {
    const file = put('bomb.png', png(30000, 30000, Buffer.from('not deflate data at all')));
    expect(fs.statSync(file).size).toBeLessThan(100);
    const capped = await errorOf(file, 100);
    expect(capped.message).toMatch(CAP_MESSAGE);
    expect(capped.hint).toMatch(/--set system\.max_image_megavoxels=900/);
    // The same bytes under a cap they fit in reach the decoder, which fails on the data.
    expect((await errorOf(file, 1000)).message).toMatch(/corrupt or truncated PNG \(image data does not inflate/);
  });

  it('PNG: the default cap is 2048 megavoxels', async () => {
    const file = put('bigger.png', png(50000, 50000, Buffer.from('x')));
    expect((await errorOf(file)).message).toMatch(/image is 50000×50000×1 = 2500 megavoxels, more than the limit of 2048 \(system\.max_image_megavoxels\)/);
    expect(() => readImageSync(file)).toThrow(/2500 megavoxels/);
  });

  it('PNG: image data that inflates past what the header announces is refused without inflating it all', async () => {
    // 100×100 announced (10,100 bytes with the filter bytes); the data inflates to 50 MB of zeros.
    const file = put('lying.png', png(100, 100, zlib.deflateSync(Buffer.alloc(50_000_000), { level: 9 })));
    expect(fs.statSync(file).size).toBeLessThan(100_000);
    expect((await errorOf(file)).message).toMatch(/image data inflates to more than the 10100 bytes the header announces/);
  });

  it('JPEG: a frame header of 30000×30000 is refused by the cap; jpeg-js never sees it', async () => {
    // jpeg-js sets up its component buffers as soon as it reads the frame header (seconds and
    // gigabytes for 30000×30000), so the decoder is watched rather than run on the bomb.
    // The module object core's dist requires (jest's registry hands the same one to the test).
    const jpegJs = require('jpeg-js') as typeof import('jpeg-js');
    const decode = jest.spyOn(jpegJs, 'decode');
    try {
      const file = put('bomb.jpg', jpeg(30000, 30000));
      expect((await errorOf(file, 100)).message).toMatch(CAP_MESSAGE);
      expect(decode).not.toHaveBeenCalled();
      // The same bytes with a small frame reach jpeg-js, which fails on the missing scan.
      const small = put('small-frame.jpg', jpeg(300, 300));
      expect((await errorOf(small, 100)).message).toMatch(/corrupt, truncated or unsupported JPEG/);
      expect(decode).toHaveBeenCalledTimes(1);
    } finally {
      decode.mockRestore();
    }
  });

  it('TIFF: an IFD of 30000×30000 is refused by the cap, not as truncated or corrupt data', async () => {
    const raw = put('bomb.tif', tiff(30000, 30000, 1, new Uint8Array(16)));
    expect((await errorOf(raw, 100)).message).toMatch(CAP_MESSAGE);
    expect((await errorOf(raw, 1000)).message).toMatch(/truncated TIFF: 1 uncompressed 30000x30000 planes need 900000000 bytes/);
    const deflated = put('bomb-deflate.tif', tiff(30000, 30000, 8, Buffer.from('not deflate data')));
    expect((await errorOf(deflated, 100)).message).toMatch(CAP_MESSAGE);
  });

  it('TIFF: a deflate strip that inflates past a whole strip is refused', async () => {
    // 100×100 announced, one strip; its data inflates to 50 MB.
    const file = put('lying.tif', tiff(100, 100, 8, zlib.deflateSync(Buffer.alloc(50_000_000), { level: 9 })));
    expect((await errorOf(file)).message).toMatch(/corrupt TIFF: deflate data of strip 0 of page 0 inflates to more than the 10000 bytes it can hold/);
  });

  it('images within the cap read as before', async () => {
    const data = new Uint8Array(20 * 30).map((_, i) => i % 251);
    const rows = Buffer.concat(Array.from({ length: 20 }, (_, y) => Buffer.from([0, ...data.subarray(y * 30, y * 30 + 30)])));
    const file = put('small.png', png(30, 20, zlib.deflateSync(rows)));
    const image = await readImage(file, { maxMegavoxels: 0.0006 }); // exactly 600 samples
    expect(image.shape).toEqual([20, 30]);
    expect([...image.data]).toEqual([...data]);
    await expect(readImage(file, { maxMegavoxels: 0.0005 })).rejects.toThrow(/20×30×1 = 0\.0006 megavoxels, more than the limit of 0\.0005/);
  });
});
