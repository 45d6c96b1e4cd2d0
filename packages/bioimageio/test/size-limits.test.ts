import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parse } from 'yaml';
import {
  checkTensorSizes,
  createZip,
  indexZip,
  MAX_DESCRIPTION_BYTES,
  MAX_ZIP_ENTRY_BYTES,
  parseModelDescription,
  parseYaml,
  readModelPackage,
  readZipEntry,
  tensorExtents,
} from '@biaflow/bioimageio';
import { EXAMPLE, expectBioimageioError, expectBioimageioErrorAsync, tempDir } from './helpers';
import { buildZip, deflatedEntry, deflatedZeros } from './zip-bomb';

/**
 * What a package can make biaflow allocate is bounded before it is allocated: a zip entry by its
 * declared size and by what it inflates to (never past the declared size), a description by its
 * size and its YAML aliases, and tensors by the sizes the description declares.
 */

const exampleRaw = () => parse(fs.readFileSync(path.join(EXAMPLE, 'bioimageio.yaml'), 'utf8')) as Record<string, any>;
const typed = (raw: unknown) => parseModelDescription(raw, { file: 'm/bioimageio.yaml' });
const oneEntry = (zip: Uint8Array, name: string, options?: Parameters<typeof readZipEntry>[4]) => readZipEntry(zip, indexZip(zip, 'p.zip'), name, 'p.zip', options);

describe('zip entries', () => {
  it('read back exactly as written (stored and deflated entries)', () => {
    const text = new TextEncoder().encode('a: 1\n'.repeat(1000));
    const weights = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256);
    const zip = createZip(new Map([['bioimageio.yaml', text], ['weights.onnx', weights]]));
    expect(Buffer.from(oneEntry(zip, 'bioimageio.yaml')).equals(Buffer.from(text))).toBe(true);
    expect(Buffer.from(oneEntry(zip, 'weights.onnx')).equals(Buffer.from(weights))).toBe(true);
    // And the hand-built archives of these tests are read as zips are.
    const hand = buildZip([deflatedEntry('a.txt', 'hello '.repeat(100))]);
    expect(Buffer.from(oneEntry(hand, 'a.txt')).toString()).toBe('hello '.repeat(100));
  });

  it('an entry declaring more than 1 GiB is refused before it is inflated, naming the archive, the entry, its size and the cap', () => {
    // 1100 MiB of zeros in ~1 MB: inflating it would take 1.1 GB.
    const zip = buildZip([{ name: 'weights.onnx', data: deflatedZeros(1100), method: 8, declaredSize: 1100 * 2 ** 20 }]);
    const before = process.memoryUsage().rss;
    const e = expectBioimageioError(() => oneEntry(zip, 'weights.onnx'));
    expect(e.message).toBe(
      "p.zip: entry 'weights.onnx' declares 1.1 GiB (1153433600 bytes), more than 1 GiB (1073741824 bytes) (biaflow's cap on a file taken out of a zip archive); refused before inflating it",
    );
    expect(e.hint).toMatch(/unpacked into a folder/);
    expect(MAX_ZIP_ENTRY_BYTES).toBe(2 ** 30);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 2 ** 20);
  });

  it('an entry whose header lies (declares 4 KiB, inflates to 1.1 GB) is stopped at its declared size', () => {
    const zip = buildZip([{ name: 'weights.onnx', data: deflatedZeros(1100), method: 8, declaredSize: 4096 }]);
    const before = process.memoryUsage().rss;
    const e = expectBioimageioError(() => oneEntry(zip, 'weights.onnx'));
    expect(e.message).toBe("p.zip: entry 'weights.onnx' inflates to more than the 4 KiB (4096 bytes) it declares (a decompression bomb, or a damaged archive); stopped there");
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 2 ** 20);
  });

  it('an entry inflating to less than it declares, or stored in fewer bytes than it declares, is damaged', () => {
    const short = buildZip([{ ...deflatedEntry('a.txt', 'abc'), declaredSize: 10 }]);
    expect(expectBioimageioError(() => oneEntry(short, 'a.txt')).message).toBe("p.zip: not a readable zip archive (entry 'a.txt' inflates to 3 bytes but declares 10)");
    const stored = buildZip([{ name: 'a.txt', data: Buffer.from('abc'), method: 0, declaredSize: 2 ** 29 }]);
    expect(expectBioimageioError(() => oneEntry(stored, 'a.txt')).message).toBe(
      "p.zip: not a readable zip archive (entry 'a.txt' is stored uncompressed in 3 bytes but declares 536870912)",
    );
  });

  it("a caller's smaller cap (a description's 1 MiB) applies to the declared and to the inflated size", () => {
    const limit = { maxBytes: 1000, limit: 'a test cap' };
    const honest = buildZip([deflatedEntry('bioimageio.yaml', 'x'.repeat(1001))]);
    expect(expectBioimageioError(() => oneEntry(honest, 'bioimageio.yaml', limit)).message).toBe(
      "p.zip: entry 'bioimageio.yaml' declares 1001 bytes, more than 1000 bytes (a test cap); refused before inflating it",
    );
    const lying = buildZip([{ ...deflatedEntry('bioimageio.yaml', 'x'.repeat(5000)), declaredSize: 900 }]);
    expect(expectBioimageioError(() => oneEntry(lying, 'bioimageio.yaml', limit)).message).toMatch(/inflates to more than the 900 bytes it declares/);
  });

  it('an archive naming one file twice is refused when opened', () => {
    const zip = buildZip([deflatedEntry('weights.onnx', 'a'), deflatedEntry('./weights.onnx', 'b')]);
    expect(expectBioimageioError(() => indexZip(zip, 'p.zip')).message).toBe("p.zip: refusing the archive: it holds 'weights.onnx' twice (as 'weights.onnx' and './weights.onnx')");
  });

  it('a directory claiming more entries than it can hold, or data past the end, is not a readable archive', () => {
    const zip = buildZip([deflatedEntry('a.txt', 'abc')]);
    const lying = Buffer.from(zip);
    lying.writeUInt16LE(60000, lying.length - 22 + 10);
    expect(expectBioimageioError(() => indexZip(new Uint8Array(lying), 'p.zip')).message).toMatch(/^p\.zip: not a readable zip archive \(60000 entries cannot fit/);
    const cut = buildZip([{ ...deflatedEntry('a.txt', 'abc'), data: Buffer.alloc(0) }]);
    const view = Buffer.from(cut);
    // Claim 1000 compressed bytes in the directory record.
    view.writeUInt32LE(1000, 30 + 5 + 0 + 20);
    expect(expectBioimageioError(() => oneEntry(new Uint8Array(view), 'a.txt')).message).toMatch(/the data of 'a\.txt' runs past the end of the archive/);
  });
});

describe('descriptions', () => {
  it('a bioimageio.yaml over 1 MiB is refused before it is read, naming the file, its size and the cap', async () => {
    const dir = path.join(tempDir(), 'pkg');
    fs.cpSync(EXAMPLE, dir, { recursive: true });
    const file = path.join(dir, 'bioimageio.yaml');
    fs.appendFileSync(file, `# ${'x'.repeat(MAX_DESCRIPTION_BYTES)}\n`);
    const size = fs.statSync(file).size;
    const e = await expectBioimageioErrorAsync(() => readModelPackage(dir));
    expect(e.message).toBe(`${file}: is 1.0 MiB (${size} bytes), more than 1 MiB (1048576 bytes) (biaflow's cap on a package description); refused before reading it`);
  });

  it('in a zip, the description is capped by its declared and by its inflated size', async () => {
    const dir = tempDir();
    const zip = path.join(dir, 'p.zip');
    const yaml = fs.readFileSync(path.join(EXAMPLE, 'bioimageio.yaml'));
    // Declares the real size, inflates to 5 MB of YAML comment.
    fs.writeFileSync(zip, buildZip([{ ...deflatedEntry('bioimageio.yaml', Buffer.concat([yaml, Buffer.from(`#${' '.repeat(5e6)}\n`)])), declaredSize: yaml.length }]));
    const e = await expectBioimageioErrorAsync(() => readModelPackage(zip));
    expect(e.message).toBe(`${zip}: entry 'bioimageio.yaml' inflates to more than the 3.7 KiB (${yaml.length} bytes) it declares (a decompression bomb, or a damaged archive); stopped there`);
  });

  it('YAML aliases that expand like a "billion laughs" are refused, naming the file', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const e = expectBioimageioError(() => parseYaml(lines.join('\n'), 'm/bioimageio.yaml'));
    expect(e.message).toMatch(/^m\/bioimageio\.yaml: YAML aliases cannot be expanded: .*Excessive alias count.*\(biaflow expands at most 1000, weighted by their size\)$/);
    // A few aliases, as Python writers make them, are fine.
    expect(parseYaml('a: &x {k: 1}\nb: *x\nc: *x\n')).toEqual({ a: { k: 1 }, b: { k: 1 }, c: { k: 1 } });
  });
});

describe('declared tensor sizes', () => {
  const cap = (maxSamples: number, largestTile?: number) => ({ maxSamples, largestTile, limit: 'the test cap', hint: (s: number) => `needs ${s}`, file: 'm/bioimageio.yaml' });

  it('the example takes 1×1×512×512 in and gives 1×1×512×512 out (its output sizes refer to the input)', () => {
    expect(tensorExtents(typed(exampleRaw())).map((e) => [e.field, e.shape, e.samples])).toEqual([
      ['inputs[0]', [1, 1, 512, 512], 262144],
      ['outputs[0]', [1, 1, 512, 512], 262144],
    ]);
    expect(() => checkTensorSizes(typed(exampleRaw()), cap(262144))).not.toThrow();
  });

  it('an input axis of size 1e9 is refused, naming the field, the shape and the cap', () => {
    const raw = exampleRaw();
    raw.inputs[0].axes[2].size = 1e9;
    const e = expectBioimageioError(() => checkTensorSizes(typed(raw), cap(2048e6)));
    expect(e.field).toBe('inputs[0].axes[2].size');
    expect(e.message).toBe(
      'm/bioimageio.yaml: inputs[0].axes[2].size: inputs[0] takes tensors of 1×1×1000000000×512 (batch, channel, y, x) = 512000 million samples, more than the test cap; refused before any tensor is allocated',
    );
    expect(e.hint).toBe('needs 512000000000');
  });

  it('{min, step} sizes count at the largest tile a runner uses; an output scaled up against its input counts at its own size', () => {
    const raw = exampleRaw();
    raw.inputs[0].axes[2].size = { min: 128, step: 16 };
    raw.inputs[0].axes[3].size = { min: 128, step: 16 };
    expect(tensorExtents(typed(raw))[0].shape).toEqual([1, 1, 128, 128]);
    expect(tensorExtents(typed(raw), { largestTile: 1024 })[0].shape).toEqual([1, 1, 1024, 1024]);
    // The output is 1e6 times finer than the input: 128 input pixels are 128e6 output pixels.
    raw.outputs[0].axes[2].scale = 1e-6;
    delete raw.outputs[0].axes[2].halo;
    const e = expectBioimageioError(() => checkTensorSizes(typed(raw), cap(1e9)));
    expect(e.field).toBe('outputs[0].axes[2].size');
    expect(e.message).toMatch(/outputs\[0\] takes tensors of 1×1×128000000×128 \(batch, channel, y, x\) = 16384 million samples/);
  });

  it('a thousand output channels are counted too', () => {
    const raw = exampleRaw();
    raw.outputs[0].axes[1].channel_names = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const e = expectBioimageioError(() => checkTensorSizes(typed(raw), cap(100e6)));
    expect(e.field).toBe('outputs[0].axes[1].channel_names');
    expect(e.message).toMatch(/1×1000×512×512 .* = 262 million samples/);
  });
});

test('deflatedZeros inflates to what it says (the bombs above are real)', () => {
  expect(zlib.inflateRawSync(deflatedZeros(3)).equals(Buffer.alloc(3 * 2 ** 20))).toBe(true);
});
