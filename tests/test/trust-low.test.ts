import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { loadModelPackage, type PackageSource } from '@biaflow/bioimageio';
import { readImage, writeImage } from 'biaflow';
import { buildModel, saveModel } from '@biaflow/engine-tfjs';
import { repo, tmpdir } from './e2e-helpers';

/**
 * The low-severity holes of issue 21, each through the CLI: links and special files in a zoo
 * package or a model bundle, terminal escapes in names from files, YAML that cannot be built,
 * `problem.type` naming an Object member, a TIFF with no samples, ONNX bytes that do not parse,
 * `.nan` / `.inf` in a config, and what killed exports and zoo predictions leave behind. Every
 * case ends with exit 2 and a message naming the file or key (no internal error, no stack trace),
 * and no message echoes a file's content.
 */
const ZOO_EXAMPLE = path.join(repo, 'packages/bioimageio/test/fixtures/unet2d_nuclei_broad');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const dir = tmpdir();
const inputDir = path.join(dir, 'in');
/** A biaflow model bundle (an untrained 2D U-Net: only its files matter here). */
const bundle = path.join(dir, 'bundle');

/** The CLI in a child process, with a time limit: a read that blocks (a FIFO) fails the test instead of hanging it. */
function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, BIAFLOW_DEBUG: '', ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, told as a problem of the input: no internal error, no stack trace. */
function expectRefused(r: { status: number | null; stderr: string }): void {
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/^error: /) });
  expect(r.stderr).not.toContain('report it if it is a bug');
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

function predictZoo(model: string, out: string, ...more: string[]) {
  return cli(['predict', '--model', model, '--input', inputDir, '--out', path.join(dir, out), '--log-level', 'warn', ...more]);
}

/** A copy of the zoo example, changed by `edit` (files) and `describe` (its bioimageio.yaml). */
function zooCopy(name: string, edit: (copy: string) => void = () => undefined, describe?: (d: Record<string, any>) => void): string {
  const copy = path.join(dir, name);
  fs.cpSync(ZOO_EXAMPLE, copy, { recursive: true });
  if (describe) {
    const file = path.join(copy, 'bioimageio.yaml');
    const d = parse(fs.readFileSync(file, 'utf8'));
    describe(d);
    fs.writeFileSync(file, stringify(d));
  }
  edit(copy);
  return copy;
}

/** A pid no process has: that of a child that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(r.status).toBe(0);
  return r.pid as number;
}

beforeAll(async () => {
  fs.mkdirSync(inputDir);
  // A small float image for the zoo example (it takes any size: its input is tiled to 512×512 with a halo).
  const data = new Float32Array(64 * 64).map((_, i) => Math.sin(i / 9) + (i % 64) / 64);
  await writeImage(path.join(inputDir, 'nuclei.tif'), { data, shape: [64, 64], axes: 'YX', spacing: [null, null] });
  const model = buildModel({ architecture: 'unet', ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid', featureMaps: [4, 8], normalization: 'none', seed: 1 });
  await saveModel(bundle, model, { problem: 'semantic', patchSize: [32, 32], config: { problem: { type: 'semantic', ndim: 2 } } });
  model.dispose();
});

describe('files of a folder package must be regular files inside it', () => {
  test('bioimageio.yaml linked to a file holding a secret: exit 2 naming the link, the secret not echoed', () => {
    const secret = path.join(dir, 'secret.env');
    fs.writeFileSync(secret, 'SECRET_TOKEN=tok-5f3a9c\u0000HOME=/root\u0000');
    const copy = zooCopy('yaml-link', (c) => {
      fs.rmSync(path.join(c, 'bioimageio.yaml'));
      fs.symlinkSync(secret, path.join(c, 'bioimageio.yaml'));
    });
    const r = predictZoo(copy, 'run-yaml-link');
    expectRefused(r);
    expect(r.stderr).toContain(`${path.join(copy, 'bioimageio.yaml')}: leads outside the package (through a symbolic link to ${secret})`);
    expect(r.stderr).not.toContain('tok-5f3a9c');
  });

  test('weights.onnx linked to an ONNX file outside the package: exit 2, not used', () => {
    const outside = path.join(dir, 'elsewhere.onnx');
    fs.copyFileSync(path.join(ZOO_EXAMPLE, 'weights.onnx'), outside);
    const copy = zooCopy('onnx-link', (c) => {
      fs.rmSync(path.join(c, 'weights.onnx'));
      fs.symlinkSync(outside, path.join(c, 'weights.onnx'));
    });
    const r = predictZoo(copy, 'run-onnx-link');
    expectRefused(r);
    expect(r.stderr).toContain(`${path.join(copy, 'weights.onnx')}: leads outside the package (through a symbolic link to ${outside})`);
    expect(fs.existsSync(path.join(dir, 'run-onnx-link', 'predictions'))).toBe(false);
  });

  test('a FIFO, and a link to /dev/zero, as weights: exit 2 saying it is not a regular file (no hang)', () => {
    const fifo = zooCopy('fifo-weights', (c) => {
      fs.rmSync(path.join(c, 'weights.onnx'));
      const made = spawnSync('mkfifo', [path.join(c, 'weights.onnx')]);
      expect(made.status).toBe(0);
    });
    const r = predictZoo(fifo, 'run-fifo');
    expectRefused(r);
    expect(r.stderr).toContain(`${path.join(fifo, 'weights.onnx')}: is a named pipe (FIFO), not a regular file`);
    expect(r.stderr).not.toContain('missing');

    const zero = zooCopy('zero-weights', (c) => {
      fs.rmSync(path.join(c, 'weights.onnx'));
      fs.symlinkSync('/dev/zero', path.join(c, 'weights.onnx'));
    });
    const z = predictZoo(zero, 'run-zero');
    expectRefused(z);
    expect(z.stderr).toContain(`${path.join(zero, 'weights.onnx')}: is a device, not a regular file (through a symbolic link to /dev/zero)`);
  });

  describe('a model bundle (the one exported below, unchanged, is read)', () => {
    test('weights.bin linked outside the bundle: exit 2 naming it', () => {
      const copy = path.join(dir, 'bundle-link');
      fs.cpSync(bundle, copy, { recursive: true });
      const outside = path.join(dir, 'bundle-weights.bin');
      fs.renameSync(path.join(copy, 'weights.bin'), outside);
      fs.symlinkSync(outside, path.join(copy, 'weights.bin'));
      const r = cli(['predict', '--model', copy, '--input', inputDir, '--out', path.join(dir, 'run-bundle-link'), '--log-level', 'warn']);
      expectRefused(r);
      expect(r.stderr).toContain(`${path.join(copy, 'weights.bin')}: leads outside the model folder`);
    });

    test('model.json naming weights outside the bundle (../x.bin): exit 2 naming model.json', () => {
      const copy = path.join(dir, 'bundle-manifest');
      fs.cpSync(bundle, copy, { recursive: true });
      fs.copyFileSync(path.join(copy, 'weights.bin'), path.join(dir, 'x.bin'));
      const json = path.join(copy, 'model.json');
      fs.writeFileSync(json, fs.readFileSync(json, 'utf8').replace('"./weights.bin"', '"../x.bin"'));
      const r = cli(['predict', '--model', copy, '--input', inputDir, '--out', path.join(dir, 'run-bundle-manifest'), '--log-level', 'warn']);
      expectRefused(r);
      expect(r.stderr).toContain(`${json}: names the weights file "../x.bin", which is not inside the model folder`);
    });
  });
});

describe('names and strings from files are printed escaped', () => {
  test('a test image named with a clear-screen escape and a line break: shown escaped, no forged line', async () => {
    const images = path.join(dir, 'escapes');
    fs.mkdirSync(images);
    const name = 'a\u001b[2J\nerror: forged.tif';
    fs.copyFileSync(path.join(inputDir, 'nuclei.tif'), path.join(images, name));
    const r = cli(['predict', '--model', ZOO_EXAMPLE, '--input', images, '--out', path.join(dir, 'run-escapes'), '--log-level', 'warn']);
    expectRefused(r);
    expect(r.stderr).toContain(`${images}/a\\u001b[2J\\nerror: forged.tif: its name holds control characters`);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: forged'))).toEqual([]);
  });

  test("a package with a link inside it (followed: it predicts) and a name with escapes: its log line shows the name escaped, on one line", () => {
    const copy = zooCopy(
      'inner-link',
      (c) => {
        fs.mkdirSync(path.join(c, 'store'));
        fs.renameSync(path.join(c, 'weights.onnx'), path.join(c, 'store', 'w.onnx'));
        fs.symlinkSync(path.join('store', 'w.onnx'), path.join(c, 'weights.onnx'));
      },
      (d) => {
        d.name = 'evil\u001b[31m\nINFO forged';
      },
    );
    const out = path.join(dir, 'run-inner-link');
    const r = cli(['predict', '--model', copy, '--input', inputDir, '--out', out, '--log-level', 'info', '--no-progress']);
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(out, 'predictions'))).toEqual(['nuclei.tif']);
    expect(r.stderr).toContain('(evil\\u001b[31m\\nINFO forged)');
    expect(r.stderr).not.toContain('\u001b[31m');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('INFO forged'))).toEqual([]);
    // log.jsonl keeps the name as it is, in JSON's escaping.
    const logged = fs
      .readFileSync(path.join(out, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event?: string; msg: string })
      .find((l) => l.event === 'zoo-model');
    expect(logged?.msg).toContain('(evil\u001b[31m\nINFO forged)');
  });
});

describe('YAML and text a package or config cannot be built from: exit 2 naming the file', () => {
  const bomb = () => {
    const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    let prev = 'a';
    for (const n of 'bcdefghi') {
      lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(', ')}]`);
      prev = n;
    }
    return `${lines.join('\n')}\n`;
  };

  test("an alias bomb as a package's bioimageio.yaml, and as a config", () => {
    const copy = zooCopy('alias-bomb', (c) => fs.writeFileSync(path.join(c, 'bioimageio.yaml'), bomb()));
    const r = predictZoo(copy, 'run-bomb');
    expectRefused(r);
    expect(r.stderr).toContain(`${path.join(copy, 'bioimageio.yaml')}: YAML aliases cannot be expanded`);

    const config = path.join(dir, 'bomb-config.yaml');
    fs.writeFileSync(config, bomb());
    const c = cli(['config', 'validate', '--config', config]);
    expectRefused(c);
    expect(c.stderr).toContain(`invalid configuration in ${config}`);
  });

  test('a description that cannot be decoded as text (as one beyond the longest string) names the file', async () => {
    // A 1 GiB bioimageio.yaml fails in decoding ("Cannot create a string longer than…"); here the
    // decoder fails on what the source gives, the same path without reading a gigabyte.
    const source: PackageSource = {
      location: '/pkg',
      exists: async (p) => p === 'bioimageio.yaml',
      read: async () => 'not bytes' as unknown as Uint8Array,
      sha256: async () => '',
    };
    const error = await loadModelPackage(source).then(
      () => undefined,
      (e: unknown) => e as Error & { exitCode?: number },
    );
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/^\/pkg\/bioimageio\.yaml: cannot be read as text: /);
  });
});

describe('config values', () => {
  test.each(['toString', '__proto__'])('--set problem.type=%s: exit 2 naming problem.type', (type) => {
    const config = path.join(dir, 'instance.yaml');
    fs.writeFileSync(config, 'problem: { type: instance, ndim: 2 }\n');
    const r = cli(['config', 'validate', '--config', config, '--set', `problem.type=${type}`]);
    expectRefused(r);
    expect(r.stderr).toContain(`problem.type: is not a registered workflow (got "${type}")`);
  });

  test('.nan and .inf: exit 2, "not a finite number" with the key', () => {
    const config = path.join(dir, 'nan.yaml');
    fs.writeFileSync(config, 'problem: { type: instance, ndim: 2 }\ntrain: { epochs: .nan, lr: .inf }\ndata: { patch_size: [-.inf, 32] }\n');
    const r = cli(['config', 'validate', '--config', config]);
    expectRefused(r);
    expect(r.stderr).toContain('train.epochs: is not a finite number (got .nan)');
    expect(r.stderr).toContain('train.lr: is not a finite number (got .inf)');
    expect(r.stderr).toContain('data.patch_size[0]: is not a finite number (got -.inf)');
    expect(r.stderr).not.toContain('null');
    // A post-processing setting likewise (its steps are checked once the rest is valid).
    const steps = path.join(dir, 'nan-steps.yaml');
    fs.writeFileSync(steps, 'problem: { type: instance, ndim: 2 }\npostprocess: [{ method: instance_watershed, seed_threshold: .nan }]\n');
    const s = cli(['config', 'validate', '--config', steps]);
    expectRefused(s);
    expect(s.stderr).toContain('postprocess[0].seed_threshold: is not a finite number (got .nan)');
  });
});

describe('files biaflow reads as data', () => {
  /** A 4×4 8-bit TIFF, one strip; `samplesPerPixel` and BitsPerSample's value count as given. */
  function tiff(samplesPerPixel: number, bitsCount: number): Buffer {
    const entries: [number, number, number, number][] = [
      [256, 3, 1, 4], // ImageWidth
      [257, 3, 1, 4], // ImageLength
      [258, 3, bitsCount, 8], // BitsPerSample
      [259, 3, 1, 1], // Compression: none
      [262, 3, 1, 1], // Photometric: black is zero
      [273, 4, 1, 8 + 2 + 12 * 9 + 4], // StripOffsets: after the IFD
      [277, 3, 1, samplesPerPixel], // SamplesPerPixel
      [278, 3, 1, 4], // RowsPerStrip
      [279, 4, 1, 16], // StripByteCounts
    ];
    const ifd = Buffer.alloc(2 + 12 * entries.length + 4);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, count, value], i) => {
      const at = 2 + 12 * i;
      ifd.writeUInt16LE(tag, at);
      ifd.writeUInt16LE(type, at + 2);
      ifd.writeUInt32LE(count, at + 4);
      if (type === 4) ifd.writeUInt32LE(value, at + 8);
      else ifd.writeUInt16LE(value, at + 8);
    });
    const pixels = Buffer.from(Array.from({ length: 16 }, (_, i) => i * 10));
    return Buffer.concat([Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]), ifd, pixels]);
  }

  test('a TIFF with SamplesPerPixel 0: exit 2 naming the file', async () => {
    // The same bytes with one sample per pixel are a valid image: only the sample count is wrong.
    const good = path.join(dir, 'good.tif');
    fs.writeFileSync(good, tiff(1, 1));
    const image = await readImage(good);
    expect(image.shape).toEqual([4, 4]);
    expect(Array.from(image.data as Uint8Array)).toEqual(Array.from({ length: 16 }, (_, i) => i * 10));

    const images = path.join(dir, 'spp0');
    fs.mkdirSync(images);
    fs.writeFileSync(path.join(images, 'bad.tif'), tiff(0, 0));
    const r = cli(['predict', '--model', ZOO_EXAMPLE, '--input', images, '--out', path.join(dir, 'run-spp0'), '--log-level', 'warn']);
    expectRefused(r);
    expect(r.stderr).toContain(`${path.join(images, 'bad.tif')}: corrupt TIFF: SamplesPerPixel is 0`);
    expect(r.stderr).not.toContain('undefined');
  });

  test('weights.onnx that are no ONNX model (hash matching): exit 2 naming the file', () => {
    let bytes = Buffer.alloc(0);
    const copy = zooCopy(
      'corrupt-onnx',
      (c) => fs.writeFileSync(path.join(c, 'weights.onnx'), bytes),
      (d) => {
        bytes = fs.readFileSync(path.join(ZOO_EXAMPLE, 'weights.onnx')).subarray(0, 3000);
        d.weights.onnx.sha256 = createHash('sha256').update(bytes).digest('hex');
      },
    );
    const r = predictZoo(copy, 'run-corrupt-onnx');
    expectRefused(r);
    expect(r.stderr).toContain(`${path.join(copy, 'weights.onnx')}: cannot load the ONNX model`);
  });
});

describe('temporary files of killed exports and zoo predictions', () => {
  let sample: string;
  beforeAll(async () => {
    sample = path.join(dir, 'sample.tif');
    await writeImage(sample, { data: new Float32Array(32 * 32).map((_, i) => (i % 7) / 7), shape: [32, 32], axes: 'YX', spacing: [null, null] });
  });

  test("export removes a dead writer's .kw1.tmp-<pid>-0 (a link one removed, not followed), keeps a live writer's", () => {
    const out = path.join(dir, 'exports');
    fs.mkdirSync(out);
    const dead = deadPid();
    const deadTmp = path.join(out, `.kw1.tmp-${dead}-0`);
    fs.mkdirSync(deadTmp);
    fs.writeFileSync(path.join(deadTmp, 'weights.onnx'), 'partial');
    const kept = path.join(dir, 'kept');
    fs.mkdirSync(kept);
    fs.writeFileSync(path.join(kept, 'notes.txt'), 'mine');
    const deadLink = path.join(out, `.kw1.tmp-${dead}-1`);
    fs.symlinkSync(kept, deadLink);
    const liveTmp = path.join(out, `.kw1.tmp-${process.pid}-0`);
    fs.mkdirSync(liveTmp);

    const r = cli(['export', '--model', bundle, '--out', 'kw1', '--sample', sample], { cwd: out });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`removed .kw1.tmp-${dead}-0, left by an interrupted export`);
    expect(fs.readdirSync(out).sort()).toEqual([`.kw1.tmp-${process.pid}-0`, 'kw1']);
    expect(fs.readFileSync(path.join(kept, 'notes.txt'), 'utf8')).toBe('mine');
    expect(fs.readdirSync(path.join(out, 'kw1'))).toContain('tensorflow_js_weights.zip');
  }, 240_000);

  test('zoo predict of biaflow weights leaves nothing in the temporary folder, and removes what a dead predict left', () => {
    const pkg = path.join(dir, 'exports', 'kw1');
    const tmp = path.join(dir, 'tmp');
    fs.mkdirSync(tmp);
    const dead = path.join(tmp, `biaflow-zoo-bundle-${deadPid()}-AbC123`);
    fs.mkdirSync(dead);
    fs.writeFileSync(path.join(dead, 'weights.bin'), 'left by a killed predict');
    const live = path.join(tmp, `biaflow-zoo-bundle-${process.pid}-XyZ789`);
    fs.mkdirSync(live);
    const other = path.join(tmp, 'someone-elses-file');
    fs.writeFileSync(other, '');

    const out = path.join(dir, 'run-zoo-bundle');
    const r = cli(['predict', '--model', pkg, '--input', inputDir, '--out', out, '--log-level', 'warn'], { env: { TMPDIR: tmp } });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.readdirSync(path.join(out, 'predictions'))).toEqual(['nuclei.tif']);
    expect(fs.readdirSync(tmp).sort()).toEqual([path.basename(live), 'someone-elses-file'].sort());
  }, 240_000);
});
