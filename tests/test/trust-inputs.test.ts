import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { readImage, writeImage } from 'biaflow';
import { biaflow, fixtures, tmpdir } from './e2e-helpers';

/**
 * Inputs from a busy lab or an attacker, through the CLI on real DSB2018 crops with a tiny U-Net
 * trained once: test images sharing a stem, names no output can hold, hidden files, a file name that
 * is a spreadsheet formula, links planted in a run folder, and decompression bombs.
 */
const data = path.join(fixtures, 'nuclei2d');
const TEST_IMAGE = path.join(data, 'test/images/003cee89357d.tif');
const TEST_LABELS = path.join(data, 'test/labels/003cee89357d.tif');

const config = `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 3, threads: 1 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  val: { split: 0.5 }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 2 }
# Every pixel is a seed and foreground: one object per image, whatever the tiny model learnt.
postprocess: [{ method: instance_watershed, seed_threshold: -1, contour_threshold: 2, foreground_threshold: -1, min_seed_size: 0 }]
`;

let dir: string;
let model: string;

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config);
  biaflow(['train', '--config', 'config.yaml', '--out', 'trained', '--log-level', 'warn'], dir);
  model = path.join(dir, 'trained/model');
});

/** A folder of test images: name → source file (a real image) or bytes. */
function folder(name: string, files: Record<string, string | Uint8Array>): string {
  const out = path.join(dir, name);
  fs.mkdirSync(out, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    if (typeof content === 'string') fs.copyFileSync(content, path.join(out, file));
    else fs.writeFileSync(path.join(out, file), content);
  }
  return out;
}

function predict(images: string, out: string, extra: string[] = [], expectCode = 0) {
  return biaflow(['predict', '--config', 'config.yaml', '--set', `model.load=${model}`, '--set', `data.test.images=${images}`, '--out', out, '--log-level', 'warn', ...extra], dir, expectCode);
}

/** Entries of a run folder that only work writes (the folder, its config and log come first). */
function workOutputs(runDir: string): string[] {
  return fs.existsSync(runDir) ? fs.readdirSync(runDir).filter((f) => !['config.yaml', 'log.jsonl'].includes(f)) : [];
}

describe('names', () => {
  test('two test images with one stem (x.png, x.tif) stop predict before any output, naming both', async () => {
    const images = folder('same-stem', { 'x.tif': TEST_IMAGE, 'other.tif': TEST_IMAGE });
    const image = await readImage(TEST_IMAGE);
    await writeImage(path.join(images, 'x.png'), image);
    const { stderr } = predict(images, 'same-stem-run', [], 2);
    expect(stderr).toContain(`${path.join(images, 'x.png')}: has the same stem "x" as x.tif`);
    expect(stderr).toContain(`${path.join(images, 'x.tif')}: has the same stem "x" as x.png`);
    expect(stderr).toMatch(/rename one \(stems pair images with labels and name the outputs\)/);
    expect(workOutputs(path.join(dir, 'same-stem-run'))).toEqual([]);

    // `run` stops there too, before training.
    const r = biaflow(['run', '--config', 'config.yaml', '--set', `data.test.images=${images}`, '--out', 'same-stem-train'], dir, 2);
    expect(r.stderr).toContain('has the same stem "x"');
    expect(workOutputs(path.join(dir, 'same-stem-train'))).toEqual([]);
  });

  test('names the outputs cannot hold are reported, not skipped', () => {
    const long = `${'a'.repeat(240)}.tif`;
    const images = folder('bad-names', { '..tif': TEST_IMAGE, 'line\nbreak.tif': TEST_IMAGE, [long]: TEST_IMAGE, 'fine.tif': TEST_IMAGE });
    const { stderr } = predict(images, 'bad-names-run', [], 2);
    expect(stderr).toContain('3 test images cannot file their results under their names (checked before any work)');
    expect(stderr).toContain(`${path.join(images, '..tif')}: its results would be named "..tif", a hidden file`);
    // The name as it is would break the message's line: it is shown escaped.
    expect(stderr).toContain(`${path.join(images, 'line\\nbreak.tif')}: its name holds control characters`);
    expect(stderr).toContain(`${path.join(images, long)}: its name is 240 bytes before the extension`);
    expect(stderr).not.toContain('fine.tif');
    expect(workOutputs(path.join(dir, 'bad-names-run'))).toEqual([]);
  });

  test('hidden files (._x.tif, .DS_Store) stay ignored, listed in one warning of the run log', () => {
    const images = folder('hidden', { 'x.tif': TEST_IMAGE, '._x.tif': new Uint8Array([0, 5, 22, 7]), '.DS_Store': new Uint8Array([0, 0, 0, 1]) });
    predict(images, 'hidden-run');
    const runDir = path.join(dir, 'hidden-run');
    expect(fs.readdirSync(path.join(runDir, 'predictions'))).toEqual(['x.tif']);
    const warnings = fs
      .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event?: string; files?: string[]; msg: string })
      .filter((l) => l.event === 'hidden-files');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].files).toEqual([path.join(images, '.DS_Store'), path.join(images, '._x.tif')]);
    expect(warnings[0].msg).toContain('2 hidden file(s) in the data folders are ignored');
  });
});

describe('CSV cells', () => {
  // The classic DDE payload (with "-C": a file name cannot hold a slash).
  const FORMULA = "=cmd|' -C calc'!A0.tif";

  test("an image named like a formula reaches objects.csv and metrics.csv as text: the cell starts with '", async () => {
    const images = folder('formula/images', { [FORMULA]: TEST_IMAGE });
    const labels = folder('formula/labels', { [FORMULA]: TEST_LABELS });
    predict(images, 'formula-run', ['--set', `data.test.labels=${labels}`]);
    const runDir = path.join(dir, 'formula-run');
    expect(fs.readdirSync(path.join(runDir, 'predictions'))).toEqual([FORMULA]);
    const objects = fs.readFileSync(path.join(runDir, 'objects.csv'), 'utf8').split('\n');
    expect(objects[0].startsWith('image,label,')).toBe(true);
    expect(objects[1].startsWith(`'${FORMULA},1,`)).toBe(true);
    // Numbers stay numbers: no cell of the row other than the name is quoted.
    expect(objects[1].slice(`'${FORMULA},`.length).split(',').every((c) => /^-?\d+(\.\d+)?(e-?\d+)?$/.test(c))).toBe(true);
    const metrics = fs.readFileSync(path.join(runDir, 'metrics.csv'), 'utf8').split('\n');
    expect(metrics[1].startsWith(`'${FORMULA},`)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).per_image[0].image).toBe(FORMULA);

    // A resumed run reads the table back as written: the guarded name is the image's, unchanged.
    const before = fs.readFileSync(path.join(runDir, 'objects.csv'), 'utf8');
    predict(images, 'formula-run', ['--set', `data.test.labels=${labels}`, '--resume']);
    expect(fs.readFileSync(path.join(runDir, 'objects.csv'), 'utf8')).toBe(before);
  });
});

describe('links planted in a run folder', () => {
  let runDir: string;
  let elsewhere: string;

  beforeAll(() => {
    const images = folder('linked-images', { 'a.tif': TEST_IMAGE });
    predict(images, 'linked');
    runDir = path.join(dir, 'linked');
    elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
  });

  test('predictions → another folder: predict --resume and postprocess refuse with exit 2 naming it; nothing is written there', () => {
    fs.rmSync(path.join(runDir, 'predictions'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(runDir, 'predictions'));
    const images = path.join(dir, 'linked-images');
    const resumed = predict(images, 'linked', ['--resume'], 2);
    expect(resumed.stderr).toContain(`${path.join(runDir, 'predictions')}: is a symbolic link inside the run folder → ${elsewhere}`);
    const post = biaflow(['postprocess', '--out', 'linked'], dir, 2);
    expect(post.stderr).toContain(`${path.join(runDir, 'predictions')}: is a symbolic link inside the run folder`);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    fs.unlinkSync(path.join(runDir, 'predictions'));
    fs.mkdirSync(path.join(runDir, 'predictions'));
  });

  test('a table (objects.csv) → a file elsewhere: refused, the file elsewhere untouched', () => {
    const target = path.join(elsewhere, 'notes.txt');
    fs.writeFileSync(target, 'my notes\n');
    fs.rmSync(path.join(runDir, 'objects.csv'));
    fs.symlinkSync(target, path.join(runDir, 'objects.csv'));
    const r = predict(path.join(dir, 'linked-images'), 'linked', ['--resume'], 2);
    expect(r.stderr).toContain(`${path.join(runDir, 'objects.csv')}: is a symbolic link inside the run folder`);
    expect(fs.readFileSync(target, 'utf8')).toBe('my notes\n');
    expect(fs.readdirSync(elsewhere)).toEqual(['notes.txt']);
  });
});

describe('decompression bombs', () => {
  /** An 8-bit grey PNG whose IHDR says 30000×30000, with a few bytes of corrupt image data. */
  function bomb(): Uint8Array {
    const chunk = (type: string, body: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(body.length, 0);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])), 0);
      return Buffer.concat([head, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(30000, 0);
    ihdr.writeUInt32BE(30000, 4);
    ihdr[8] = 8;
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from('corrupt')), chunk('IEND', Buffer.alloc(0))]);
  }

  test('a PNG announcing 30000×30000 is refused by system.max_image_megavoxels, naming the file, its size and the key', () => {
    const images = folder('bomb', { 'bomb.png': bomb() });
    const file = path.join(images, 'bomb.png');
    const capped = predict(images, 'bomb-run', ['--set', 'system.max_image_megavoxels=100'], 2);
    expect(capped.stderr).toContain(`${file}: image is 30000×30000×1 = 900 megavoxels, more than the limit of 100 (system.max_image_megavoxels); refused before decoding`);
    expect(capped.stderr).toContain('--set system.max_image_megavoxels=900');
    // Under the default cap (2048) the same file reaches the decoder, which fails on its data.
    const decoded = predict(images, 'bomb-run-2', [], 2);
    expect(decoded.stderr).toContain(`${file}: corrupt or truncated PNG (image data does not inflate`);
  });
});
