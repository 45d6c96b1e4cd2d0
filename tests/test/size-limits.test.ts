import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { writeImage } from 'biaflow';
import { buildZip, deflatedEntry, deflatedZeros } from '../../packages/bioimageio/test/zip-bomb';
import { fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * Resource exhaustion from a package or a config (docs/security.md, "Sizes and limits"): every size
 * a package or config gives is checked against system.max_image_megavoxels or a stated cap before
 * anything is allocated, so each of these stops with exit 2 and a message naming the file or key,
 * the value and the cap — in a child process whose peak memory stays under 1 GB (before, a declared
 * axis of 1e9 ran without end at +45 MB/s, a zip entry inflated whole to 1.1 GB, a patch of 1e9² took
 * 4 GB and 39 s to fail naming no key).
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const preload = path.join(__dirname, 'max-rss-preload.cjs');
const ZOO_EXAMPLE = path.join(repo, 'packages/bioimageio/test/fixtures/unet2d_nuclei_broad');
const data = path.join(fixtures, 'nuclei2d');
const ONE_GB_IN_KB = 1e6;

const dir = tmpdir();
const images = path.join(dir, 'images');

/** Run the CLI in a child process; its exit code, output, and peak resident memory in kB (measured by the child itself at exit). */
function measured(args: string[], cwd = dir): { status: number | null; stdout: string; stderr: string; maxRssKb: number } {
  const rssFile = path.join(dir, `rss-${process.hrtime.bigint()}`);
  const r = spawnSync(process.execPath, ['--require', preload, bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, BIAFLOW_DEBUG: '', BIAFLOW_TEST_MAX_RSS_FILE: rssFile },
    // A regression runs for minutes (or without end): stop it, and fail, long before that.
    timeout: 120_000,
  });
  const maxRssKb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : NaN;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, maxRssKb };
}

/** A refusal as every case here must be: exit 2, no stack trace, under 1 GB; returns stderr. */
function refused(args: string[], cwd = dir): string {
  const r = measured(args, cwd);
  if (r.status !== 2) throw new Error(`biaflow ${args.join(' ')} exited ${r.status} (expected 2):\n${r.stdout}\n${r.stderr}`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.maxRssKb).toBeGreaterThan(0);
  expect(r.maxRssKb).toBeLessThan(ONE_GB_IN_KB);
  return r.stderr;
}

/** A copy of the zoo example with its description changed by `edit`. */
function editedPackage(name: string, edit: (d: Record<string, any>) => void): string {
  const copy = path.join(dir, name);
  fs.cpSync(ZOO_EXAMPLE, copy, { recursive: true });
  const file = path.join(copy, 'bioimageio.yaml');
  const d = parse(fs.readFileSync(file, 'utf8'));
  edit(d);
  fs.writeFileSync(file, stringify(d));
  return copy;
}

const predictArgs = (model: string, out: string, ...more: string[]) => ['predict', '--model', model, '--input', images, '--out', path.join(dir, out), '--log-level', 'warn', '--set', 'system.backend=wasm', ...more];

beforeAll(async () => {
  fs.mkdirSync(images);
  await writeImage(path.join(images, 'a.tif'), { data: Float32Array.from({ length: 64 * 64 }, (_, i) => (i % 61) / 61), shape: [64, 64], axes: 'YX', spacing: [null, null] });
});

describe('a zoo package', () => {
  test('an input axis of size 1e9 is refused before any tensor or session exists, naming the field, the shape and the cap', () => {
    const pkg = editedPackage('huge-axis', (d) => {
      d.inputs[0].axes[2].size = 1000000000;
    });
    const stderr = refused(predictArgs(pkg, 'run-huge-axis'));
    expect(stderr).toContain(
      `${path.join(pkg, 'bioimageio.yaml')}: inputs[0].axes[2].size: inputs[0] takes tensors of 1×1×1000000000×512 (batch, channel, y, x) = 512000 million samples, more than the limit of 2048 megavoxels (system.max_image_megavoxels); refused before any tensor is allocated`,
    );
    expect(stderr).toContain('--set system.max_image_megavoxels=512000');
    // Refused while the config is built from the package: no run folder was made.
    expect(fs.existsSync(path.join(dir, 'run-huge-axis'))).toBe(false);
  });

  test('a zip entry declaring 1.1 GiB, and one declaring 4 KiB that inflates to 1.1 GB, are refused without inflating them', () => {
    const yaml = fs.readFileSync(path.join(ZOO_EXAMPLE, 'bioimageio.yaml'));
    const zipWith = (name: string, declaredSize: number) => {
      const file = path.join(dir, name);
      // 1100 MiB of zeros in ~1 MB of deflate, as the weights (packages/bioimageio/test/size-limits.test.ts checks the payload inflates).
      fs.writeFileSync(file, buildZip([deflatedEntry('bioimageio.yaml', yaml), { name: 'weights.onnx', data: deflatedZeros(1100), method: 8, declaredSize }]));
      return file;
    };
    const honest = zipWith('bomb.zip', 1100 * 2 ** 20);
    expect(refused(predictArgs(honest, 'run-bomb'))).toContain(
      `${honest}: entry 'weights.onnx' declares 1.1 GiB (1153433600 bytes), more than 1 GiB (1073741824 bytes) (biaflow's cap on a file taken out of a zip archive); refused before inflating it`,
    );
    const lying = zipWith('lying.zip', 4096);
    expect(refused(predictArgs(lying, 'run-lying'))).toContain(
      `${lying}: entry 'weights.onnx' inflates to more than the 4 KiB (4096 bytes) it declares (a decompression bomb, or a damaged archive); stopped there`,
    );
  });

  test('a bioimageio.yaml just over 1 MiB is refused naming the file, before it is read', () => {
    const pkg = editedPackage('big-yaml', () => {});
    const file = path.join(pkg, 'bioimageio.yaml');
    fs.appendFileSync(file, `# ${'x'.repeat(2 ** 20)}\n`);
    expect(refused(predictArgs(pkg, 'run-big-yaml'))).toContain(`${file}: is 1.0 MiB (${fs.statSync(file).size} bytes), more than 1 MiB (1048576 bytes) (biaflow's cap on a package description); refused before reading it`);
  });

  test("its post-processing settings go through a config's schema and caps (median filter 501 refused, naming the key), and the log shows them", () => {
    const settings = (size: number) => (d: Record<string, any>) => {
      d.config = { biaflow: { problem: { type: 'semantic' }, postprocess: [{ method: 'median_filter', size }, { method: 'threshold', value: 0.5 }] } };
    };
    const bad = editedPackage('median-501', settings(501));
    const stderr = refused(predictArgs(bad, 'run-median-501'));
    expect(stderr).toContain(`invalid configuration in config.biaflow of ${path.join(bad, 'bioimageio.yaml')}:`);
    expect(stderr).toContain("postprocess[0].size: is more than 31, biaflow's cap on a median window side (the cost grows with the window's volume): use a smaller window (got 501)");

    const good = editedPackage('median-3', settings(3));
    const r = measured(predictArgs(good, 'run-median-3'));
    expect(r.status).toBe(0);
    const log = fs
      .readFileSync(path.join(dir, 'run-median-3', 'log.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event?: string; from?: string; settings?: unknown; msg: string });
    const taken = log.filter((l) => l.event === 'model-settings');
    expect(taken).toHaveLength(1);
    expect(taken[0].from).toBe(`config.biaflow of ${path.join(good, 'bioimageio.yaml')}`);
    expect(taken[0].settings).toEqual({ postprocess: [{ method: 'median_filter', size: 3 }, { method: 'threshold', value: 0.5 }] });
    expect(taken[0].msg).toContain(`settings taken from config.biaflow of ${path.join(good, 'bioimageio.yaml')}`);
  }, 300_000);
});

describe('a model bundle', () => {
  const pretrained = path.join(repo, 'packages/model-nuclei2d/model');
  /** A copy of the pretrained bundle with its biaflow.json changed by `edit`. */
  function editedBundle(name: string, edit: (meta: Record<string, any>) => void): string {
    const copy = path.join(dir, name);
    fs.cpSync(pretrained, copy, { recursive: true });
    const file = path.join(copy, 'biaflow.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(meta);
    fs.writeFileSync(file, JSON.stringify(meta));
    return copy;
  }

  test("its tile size (patch_size) and its saved config's data.patch_size are checked like a config's, before the model is opened", () => {
    const tiles = editedBundle('huge-tiles', (meta) => {
      meta.patch_size = [1000000000, 1000000000];
    });
    expect(refused(predictArgs(tiles, 'run-huge-tiles'))).toContain(
      `${path.join(tiles, 'biaflow.json')}: patch_size: tiles of [1000000000, 1000000000] × 1 channel(s) in batches of 4 (predict.batch_size) are 4000000000000 megavoxels per batch, more than the limit of 2048 (system.max_image_megavoxels); refused before the model is opened`,
    );
    const saved = editedBundle('huge-saved-patch', (meta) => {
      meta.config.data.patch_size = [1000000000, 1000000000];
    });
    const stderr = refused(predictArgs(saved, 'run-huge-saved-patch'));
    expect(stderr).toContain(`invalid configuration in the model bundle in ${saved}:`);
    expect(stderr).toContain('- data.patch_size: [1000000000, 1000000000] in batches of 4 (predict.batch_size) is 4000000000000 megavoxels per batch');
  });

  test('a biaflow.json just over 1 MiB is refused naming the file, before it is parsed', () => {
    const big = editedBundle('big-meta', (meta) => {
      meta.padding = 'x'.repeat(2 ** 20);
    });
    const file = path.join(big, 'biaflow.json');
    expect(refused(predictArgs(big, 'run-big-meta'))).toContain(
      `${file}: is 1.0 MiB (${fs.statSync(file).size} bytes), more than the 1 MiB (1048576 bytes) biaflow reads of a model bundle's biaflow.json; refused before parsing it`,
    );
  });
});

describe('a config', () => {
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
`;

  test('--set data.patch_size=[1e9,1e9] is refused naming data.patch_size, before the run folder or any tensor', () => {
    fs.writeFileSync(path.join(dir, 'config.yaml'), config);
    const stderr = refused(['train', '--config', 'config.yaml', '--out', 'run-patch', '--set', 'data.patch_size=[1000000000,1000000000]']);
    expect(stderr).toContain(`invalid configuration in ${path.join(dir, 'config.yaml')}:`);
    expect(stderr).toContain(
      '- data.patch_size: [1000000000, 1000000000] in batches of 4 (predict.batch_size) is 4000000000000 megavoxels per batch, more than the limit of 2048 (system.max_image_megavoxels); refused before anything is allocated',
    );
    expect(fs.existsSync(path.join(dir, 'run-patch'))).toBe(false);
  });

  test('a config just over 1 MiB is refused naming the file, before it is parsed', () => {
    const file = path.join(dir, 'big.yaml');
    fs.writeFileSync(file, `${config}# ${'x'.repeat(2 ** 20)}\n`);
    expect(refused(['train', '--config', 'big.yaml', '--out', 'run-big-config'])).toContain(
      `${file}: is 1.0 MiB (${fs.statSync(file).size} bytes), more than the 1 MiB (1048576 bytes) biaflow reads of a config; refused before parsing it`,
    );
  });
});
