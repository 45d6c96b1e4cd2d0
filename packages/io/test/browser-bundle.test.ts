import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { readImage } from '@biaflow/io';

// @biaflow/io/codecs must run in a browser: bundled for the browser platform as a browser app would
// take it (the package's `./codecs` export, as built), nothing of Node or of @biaflow/core may be
// pulled in, and with no Node globals around it the bundle decodes every fixture as the Node entry
// does — deflate (TIFF strips, PNG image data) on fflate instead of Node's zlib.

const fixtures = path.join(__dirname, 'fixtures');
const repo = path.resolve(__dirname, '../../..');

interface Decoded {
  shape: number[];
  dtype: string;
  axes: string;
  spacing: (number | null)[];
  /** The samples' constructor name (the bundle's realm: compared by name, not identity). */
  array: string;
  bytes: Uint8Array;
}

interface Codecs {
  /** A Uint8Array of the bundle's realm (typed-array checks inside the codecs compare constructors). */
  bytes(n: number): Uint8Array;
  decode(file: string, bytes: Uint8Array): Decoded;
  /** A 40×50 uint16 ramp (compressible) written as TIFF with deflate, and its decoded form. */
  deflateRoundTrip(): { written: Uint8Array; source: Uint8Array; decoded: Decoded };
}

let codecs: Codecs;
let inputs: string[];

beforeAll(async () => {
  const result = await build({
    entryPoints: [require.resolve('@biaflow/io/codecs')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'biaflowCodecs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: repo,
  });
  inputs = Object.keys(result.metafile.inputs);
  // A context with a browser's text codecs (fast-png's iobuffer makes a TextEncoder when loaded) and
  // nothing of Node: no require, process, Buffer, module or global.
  const context = vm.createContext({ TextEncoder, TextDecoder });
  vm.runInContext(
    `${result.outputFiles[0].text}
    const summary = (image) => ({
      shape: image.shape, dtype: image.dtype, axes: image.axes, spacing: image.spacing, array: image.data.constructor.name,
      bytes: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    });
    this.codecs = {
      bytes: (n) => new Uint8Array(n),
      decode: (file, bytes) => summary(biaflowCodecs.decodeImage(file, bytes)),
      deflateRoundTrip() {
        const data = new Uint16Array(40 * 50).map((_, i) => (i % 50) * 100 + Math.floor(i / 50));
        const written = biaflowCodecs.encodeImage('ramp.tif', { data, shape: [40, 50], axes: 'YX', spacing: [0.5, 0.25] }, { compression: 'deflate' });
        return { written, source: new Uint8Array(data.buffer), decoded: summary(biaflowCodecs.decodeImage('ramp.tif', written)) };
      },
    };`,
    context,
  );
  codecs = context.codecs as Codecs;
});

test('the bundle holds the codecs and their pure dependencies: nothing of Node, nothing of @biaflow/core', () => {
  expect(inputs.filter((f) => f.startsWith('node:') || f.includes('(disabled)'))).toEqual([]);
  expect(inputs.filter((f) => f.startsWith('packages/') && !/^packages\/(io\/dist\/codecs|image\/dist)\//.test(f))).toEqual([]);
  const modules = new Set(inputs.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
  expect([...modules].sort()).toEqual(['fast-png', 'fflate', 'iobuffer', 'jpeg-js', 'pako']);
  // The pure inflate is in, Node's zlib is not.
  expect(inputs).toContain('packages/io/dist/codecs/fflate-zlib.js');
  expect(inputs.some((f) => f.includes('node-zlib'))).toBe(false);
});

const sha = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');
const viewBytes = (d: ArrayBufferView) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** Every fixture image, with the checksum its reference decoder (tifffile, Pillow, libtiff) gave, where exact. */
function fixtureFiles(): [string, string | undefined][] {
  return fs
    .readdirSync(fixtures, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, d.name, 'manifest.json'), 'utf8')) as {
        cases: { file: string; sha256?: string; sha256_of_c_order_bytes?: string }[];
      };
      // JPEG decoders differ in rounding: Pillow's checksum is not jpeg-js's.
      return manifest.cases.map((c): [string, string | undefined] => [`${d.name}/${c.file}`, d.name === 'jpeg' ? undefined : (c.sha256 ?? c.sha256_of_c_order_bytes)]);
    });
}

const files = fixtureFiles();

test('the fixtures include deflate TIFFs, PNGs and JPEGs', () => {
  expect(files.length).toBeGreaterThanOrEqual(30);
  expect(files.map(([f]) => f)).toEqual(expect.arrayContaining(['libtiff/deflate_rgb.tif', 'tiff/f32_3d_zlib.tif', 'tiff/i32_labels_zlib_pred.tif', 'png/grey16.png', 'png/interlaced16.png', 'jpeg/rgb.jpg']));
});

test.each(files)('%s decodes in the bundle as readImage decodes it in Node', async (file, reference) => {
  const full = path.join(fixtures, file);
  const content = fs.readFileSync(full);
  const bytes = codecs.bytes(content.length);
  bytes.set(content);
  const inBrowser = codecs.decode(file, bytes);
  const inNode = await readImage(full);
  expect({ shape: [...inBrowser.shape], dtype: inBrowser.dtype, axes: inBrowser.axes, spacing: [...inBrowser.spacing], array: inBrowser.array }).toEqual({
    shape: inNode.shape,
    dtype: inNode.dtype,
    axes: inNode.axes,
    spacing: inNode.spacing,
    array: inNode.data.constructor.name,
  });
  expect(sha(inBrowser.bytes)).toBe(sha(viewBytes(inNode.data)));
  if (reference) expect(sha(inBrowser.bytes)).toBe(reference);
});

test('a TIFF written with deflate in the bundle decodes back there and in Node', async () => {
  const { written, source, decoded } = codecs.deflateRoundTrip();
  // Deflate did compress (the ramp is 4000 bytes raw), and the tag says deflate (259 = 8, zlib).
  expect(written.length).toBeLessThan(source.length / 2);
  const compression = tagValue(Buffer.from(written), 259);
  expect(compression).toBe(8);
  expect(decoded).toMatchObject({ dtype: 'uint16', axes: 'YX', array: 'Uint16Array' });
  expect([...decoded.shape]).toEqual([40, 50]);
  expect([...decoded.spacing]).toEqual([0.5, 0.25]);
  expect(sha(decoded.bytes)).toBe(sha(source));
  // Node's entry (Node's zlib) reads what fflate wrote.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-codecs-'));
  const file = path.join(dir, 'ramp.tif');
  fs.writeFileSync(file, written);
  const inNode = await readImage(file);
  expect(inNode.shape).toEqual([40, 50]);
  expect(sha(viewBytes(inNode.data))).toBe(sha(source));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A SHORT tag's value in the first IFD of a little-endian classic TIFF, read here by hand. */
function tagValue(tiff: Buffer, tag: number): number | undefined {
  expect(tiff.toString('latin1', 0, 4)).toBe('II*\0');
  const ifd = tiff.readUInt32LE(4);
  const n = tiff.readUInt16LE(ifd);
  for (let i = 0; i < n; i++) {
    const at = ifd + 2 + 12 * i;
    if (tiff.readUInt16LE(at) === tag) return tiff.readUInt16LE(at + 8);
  }
  return undefined;
}
