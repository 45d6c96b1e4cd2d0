import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readImage, writeImage } from 'biaflow';
import { type NdArray } from '@biaflow/core';
import { blindSpot, psnr, rangeOf, ssim } from 'biaflow-plugin-denoise';

/**
 * The third-party denoising workflow (Noise2Void), loaded from a config file alone and driven by
 * biaflow's CLI: trained on noisy images only, it beats the noisy input by several dB against the
 * clean images; trained without the blind spot, it learns the identity and gains nothing.
 */
const repo = path.resolve(__dirname, '../../..');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const fixtures = path.join(__dirname, 'fixtures');

/** A seeded generator (LCG) and its normal draws, so the data are the same on every run. */
function random(seed: number) {
  let s = seed;
  const uniform = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** A clean test scene: overlapping disks of different brightness with soft (1-2 px) edges, on a gradient, in [0, 1]. */
function scene(size: number, r: ReturnType<typeof random>): Float32Array {
  const img = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) img[y * size + x] = 0.15 + 0.15 * (x / size);
  for (let k = 0; k < 14; k++) {
    const cy = r.uniform() * size;
    const cx = r.uniform() * size;
    const radius = 4 + r.uniform() * 12;
    const value = 0.3 + 0.7 * r.uniform();
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const d = Math.hypot(y - cy, x - cx);
        const inside = 1 / (1 + Math.exp((d - radius) / 0.7));
        img[y * size + x] = img[y * size + x] * (1 - inside) + value * inside;
      }
    }
  }
  return img;
}

const SIZE = 96;
const NOISE = 0.15;

/** Noisy training images, noisy test images and their clean versions, as float32 TIFFs. */
async function dataset(): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-denoise-'));
  const r = random(7);
  for (const [set, n] of [['train', 4], ['test', 2]] as const) {
    for (let i = 0; i < n; i++) {
      const clean = scene(SIZE, r);
      const noisy = clean.map((v) => v + NOISE * r.normal());
      await writeImage(path.join(root, set, 'noisy', `${set}${i}.tif`), { data: noisy, shape: [SIZE, SIZE] });
      await writeImage(path.join(root, set, 'clean', `${set}${i}.tif`), { data: clean, shape: [SIZE, SIZE] });
    }
  }
  return root;
}

function config(root: string, masking: boolean): string {
  return `problem: { type: denoise, ndim: 2 }
plugins: [biaflow-plugin-denoise]
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${root}/train/noisy }
  val: { split: 0.25 }
  test: { images: ${root}/test/noisy, labels: ${root}/test/clean }
  patch_size: [64, 64]
model: { feature_maps: [16, 32], normalization: none, activation: relu }
train: { epochs: 10, batch_size: 4, steps_per_epoch: 10, lr: 0.002, patience: 0, lr_schedule: { type: warmup_cosine, warmup_epochs: 1 } }
augment: { flip: { probability: 0.5 }, rot90: { probability: 0.5 } }
denoise: { masking: ${masking}, masked_fraction: 0.02 }
`;
}

/** Run the CLI on a config written next to the data; the run folder's metrics. */
function runDenoise(root: string, masking: boolean): { overall: Record<string, number>; runDir: string } {
  const file = path.join(root, `denoise-${masking}.yaml`);
  fs.writeFileSync(file, config(root, masking));
  const runDir = path.join(root, `run-${masking}`);
  const r = spawnSync(process.execPath, [bin, 'run', '--config', file, '--out', runDir, '--log-level', 'warn'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`biaflow exited ${r.status}:\n${r.stderr}`);
  return { overall: JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).overall, runDir };
}

/** The best PSNR a Gaussian blur of the noisy image reaches over a range of sigmas (for scale). */
function bestBlurPsnr(noisy: NdArray, clean: NdArray): { sigma: number; psnr: number } {
  let best = { sigma: 0, psnr: -Infinity };
  for (const sigma of [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3]) {
    const radius = Math.ceil(3 * sigma);
    const k = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const sum = k.reduce((a, v) => a + v, 0);
    const [H, W] = noisy.shape;
    const pass = (src: ArrayLike<number>, alongX: boolean) => {
      const out = new Float32Array(H * W);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          let acc = 0;
          for (let t = -radius; t <= radius; t++) {
            // Mirror at the borders (scipy's reflect).
            let yy = alongX ? y : y + t;
            let xx = alongX ? x + t : x;
            if (yy < 0) yy = -yy - 1;
            if (yy >= H) yy = 2 * H - yy - 1;
            if (xx < 0) xx = -xx - 1;
            if (xx >= W) xx = 2 * W - xx - 1;
            acc += k[t + radius] * src[yy * W + xx];
          }
          out[y * W + x] = acc / sum;
        }
      return out;
    };
    const blurred = { data: pass(pass(noisy.data as ArrayLike<number>, true), false), shape: noisy.shape };
    const p = psnr(clean, blurred, rangeOf(clean));
    if (p > best.psnr) best = { sigma, psnr: p };
  }
  return best;
}

test('PSNR and SSIM equal scikit-image\'s on reference cases (2D and 3D)', async () => {
  const reference = JSON.parse(fs.readFileSync(path.join(fixtures, 'reference.json'), 'utf8')) as { cases: Record<string, { data_range: number; ssim: number; psnr: number }> };
  for (const [name, want] of Object.entries(reference.cases)) {
    const clean = await readImage(path.join(fixtures, `${name}_clean.tif`));
    const noisy = await readImage(path.join(fixtures, `${name}_noisy.tif`));
    expect(ssim(clean, noisy, want.data_range)).toBeCloseTo(want.ssim, 6);
    expect(psnr(clean, noisy, want.data_range)).toBeCloseTo(want.psnr, 6);
  }
});

test('blind spots: stratified, replaced by another pixel of the window, recorded in the target', () => {
  const size = 40;
  const image = { data: Float32Array.from({ length: size * size }, (_, i) => i), shape: [size, size, 1] };
  const r = random(3);
  const generator = { next: r.uniform, int: (n: number) => Math.floor(r.uniform() * n), intBetween: (lo: number, hi: number) => lo + Math.floor(r.uniform() * (hi - lo + 1)) } as never;
  const { input, target } = blindSpot(image, { ndim: 2, fraction: 0.01, neighbourhood: 5, random: generator });
  expect(target.shape).toEqual([size, size, 2]);
  const masked: number[] = [];
  for (let i = 0; i < size * size; i++) {
    expect(target.data[2 * i]).toBe(i);
    if (target.data[2 * i + 1] === 1) masked.push(i);
    else expect(input.data[i]).toBe(i);
  }
  // One per 10×10 cell: 16 cells.
  expect(masked).toHaveLength(16);
  for (const i of masked) {
    const j = input.data[i];
    expect(j).not.toBe(i);
    expect(Math.abs(Math.floor(j / size) - Math.floor(i / size))).toBeLessThanOrEqual(2);
    expect(Math.abs((j % size) - (i % size))).toBeLessThanOrEqual(2);
  }
});

describe('Noise2Void through the CLI, on generated noisy images (no clean image used in training)', () => {
  let root: string;
  beforeAll(async () => {
    root = await dataset();
  });

  test('the denoised images beat the noisy input by at least 3 dB against the clean images', async () => {
    const { overall, runDir } = runDenoise(root, true);
    const clean = await readImage(path.join(root, 'test/clean/test0.tif'));
    const noisy = await readImage(path.join(root, 'test/noisy/test0.tif'));
    const blur = bestBlurPsnr(noisy, clean);
    // eslint-disable-next-line no-console
    console.log(
      `Noise2Void: PSNR ${overall.psnr.toFixed(2)} dB (noisy ${overall.psnr_noisy.toFixed(2)} dB, gain ${overall.psnr_gain.toFixed(2)} dB), SSIM ${overall.ssim.toFixed(3)} (noisy ${overall.ssim_noisy.toFixed(3)}); ` +
        `best Gaussian blur of test0: ${blur.psnr.toFixed(2)} dB at sigma ${blur.sigma}`,
    );
    expect(overall.psnr_gain).toBeGreaterThanOrEqual(3);
    expect(overall.ssim).toBeGreaterThan(overall.ssim_noisy);
    // The result is a float image in the input's intensities, as predictions/<name>.tif.
    const out = await readImage(path.join(runDir, 'predictions', 'test0.tif'));
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([SIZE, SIZE]);
    expect(psnr(clean, out, rangeOf(clean))).toBeCloseTo(JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).per_image[0].psnr, 6);
  });

  test('without the blind spot the network learns the identity: under 1 dB gained', () => {
    const { overall } = runDenoise(root, false);
    // eslint-disable-next-line no-console
    console.log(`without masking: PSNR ${overall.psnr.toFixed(2)} dB, gain ${overall.psnr_gain.toFixed(2)} dB`);
    expect(overall.psnr_gain).toBeLessThan(1);
  });
});
