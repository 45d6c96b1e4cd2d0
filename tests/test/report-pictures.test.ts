import fs from 'node:fs';
import path from 'node:path';
import { readImage, writeImage } from 'biaflow';
import { biaflow, fixtures, handMadeRun, repo, tmpdir } from './e2e-helpers';

/**
 * How the report's pictures are stretched to 8 bits, read back from the PNGs `biaflow report` writes:
 * each picture between its own 0.5th and 99.5th percentile (the default), or, with
 * `report.intensity: shared`, every picture of the run between the percentiles of all of them — the
 * same input intensity is then the same grey in both pictures. A detection run made by hand: two test
 * images, their points far from the pixels checked.
 */

/**
 * A 32×32 uint16 image: left half 0, right half `bright`, and one pixel of 500 at (5, 5). Over its 1024
 * pixels the 0.5th percentile (sorted index 5) is 0 and the 99.5th (index 1018) is `bright`.
 */
function halves(bright: number): Uint16Array {
  const data = new Uint16Array(32 * 32);
  for (let y = 0; y < 32; y++) for (let x = 16; x < 32; x++) data[y * 32 + x] = bright;
  data[5 * 32 + 5] = 500;
  return data;
}

async function detectionRun(dir: string): Promise<string> {
  const runDir = path.join(dir, 'run');
  for (const [name, bright] of [['a', 1000], ['b', 4000]] as const) {
    await writeImage(path.join(dir, 'images', `${name}.tif`), { data: halves(bright), shape: [32, 32] });
    // One true and one predicted point at (25, 25): its ring and cross stay far from (5, 5) and (5, 20).
    for (const folder of ['points', 'run/predictions']) {
      fs.mkdirSync(path.join(dir, folder), { recursive: true });
      fs.writeFileSync(path.join(dir, folder, `${name}.csv`), 'axis-0,axis-1\n25,25\n');
    }
  }
  handMadeRun(runDir, `problem: {type: detection, ndim: 2}\ndata:\n  test: {images: ${dir}/images, labels: ${dir}/points}\n`);
  return runDir;
}

/** The grey of pixel (y, x) of a report picture (the three channels equal). */
async function greyAt(runDir: string, name: string, at: [number, number][]): Promise<number[]> {
  const png = await readImage(path.join(runDir, 'report', `${name}-overlay.png`));
  expect(png.shape).toEqual([32, 32, 3]);
  return at.map(([y, x]) => {
    const i = 3 * (y * 32 + x);
    expect([png.data[i + 1], png.data[i + 2]]).toEqual([png.data[i], png.data[i]]);
    return png.data[i];
  });
}

const PIXELS: [number, number][] = [
  [5, 5], // 500 in both images
  [5, 20], // the bright half: 1000 in a, 4000 in b
  [5, 0], // 0
];

test('report.intensity: per_image stretches each picture to its own range, shared gives every picture of the run one range', async () => {
  const dir = tmpdir();
  const runDir = await detectionRun(dir);
  biaflow(['report', '--out', runDir], dir);
  // A config without the section resolves without it: the config a run saves is as before.
  expect(fs.readFileSync(path.join(runDir, 'config.yaml'), 'utf8')).not.toMatch(/^report:/m);
  // Each its own range: 500 of 0..1000 → 127.5 → 128, 500 of 0..4000 → 31.875 → 32.
  expect(await greyAt(runDir, 'a', PIXELS)).toEqual([128, 255, 0]);
  expect(await greyAt(runDir, 'b', PIXELS)).toEqual([32, 255, 0]);

  biaflow(['report', '--out', runDir, '--set', 'report.intensity=shared'], dir);
  // One range over both images' 2048 values (1022 zeros, two 500s, 512 of 1000, 512 of 4000): the
  // 0.5th percentile (sorted index 10) is 0, the 99.5th (index 2037) 4000 — so 500 → 32 in both, 1000 → 64.
  expect(await greyAt(runDir, 'a', PIXELS)).toEqual([32, 64, 0]);
  expect(await greyAt(runDir, 'b', PIXELS)).toEqual([32, 255, 0]);

  // A typo in the key or the value is refused, naming it (exit 2).
  const bad = biaflow(['report', '--out', runDir, '--set', 'report.intensity=same'], dir, 2);
  expect(bad.stderr).toContain('report.intensity');
});

test('image results share one range too: the same value of two density maps is the same grey with shared, each map stretched alone without', async () => {
  const dir = tmpdir();
  const spots = path.join(fixtures, 'spots2d/test');
  // Two test images (the same crop twice) with their points; density maps a ramp and twice that ramp.
  const runDir = path.join(dir, 'run');
  handMadeRun(runDir, 'problem: {type: spot-density, ndim: 2}\n');
  const ramp = (scale: number) => Float32Array.from({ length: 64 * 64 }, (_, i) => (scale * i) / 4096);
  for (const [name, scale] of [['a', 1], ['b', 2]] as const) {
    fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'points'), { recursive: true });
    fs.copyFileSync(path.join(spots, 'images/smfish_y184_x424.png'), path.join(dir, 'images', `${name}.png`));
    fs.copyFileSync(path.join(spots, 'points/smfish_y184_x424.csv'), path.join(dir, 'points', `${name}.csv`));
    await writeImage(path.join(runDir, 'predictions', `${name}.tif`), { data: ramp(scale), shape: [64, 64] });
  }
  const plugin = path.join(repo, 'tests/fixtures/plugin-spots/index.js');
  fs.writeFileSync(path.join(dir, 'c.yaml'), `problem: { type: spot-density, ndim: 2 }\nplugins: [${plugin}]\ndata:\n  test: { images: ${dir}/images, labels: ${dir}/points }\n`);
  const greys = async () =>
    Promise.all(['a', 'b'].map(async (n) => Array.from((await readImage(path.join(runDir, 'report', `${n}-overlay.png`))).data.filter((_, i) => i % 3 === 0))));

  biaflow(['evaluate', '--config', 'c.yaml', '--out', runDir, '--overwrite', '--log-level', 'error'], dir);
  const [alone, aloneTwice] = await greys();
  // Each map stretched alone: the two ramps look the same.
  expect(aloneTwice).toEqual(alone);

  biaflow(['evaluate', '--config', 'c.yaml', '--out', runDir, '--overwrite', '--log-level', 'error', '--set', 'report.intensity=shared'], dir);
  const [a, b] = await greys();
  // Pixel 2k of a and pixel k of b hold the same value (2k/4096): the same grey.
  for (let k = 0; k < 2048; k++) expect(a[2 * k]).toBe(b[k]);
  // And a's brightest is darker than b's: a reaches only half the shared range.
  expect(Math.max(...a)).toBeLessThan(Math.max(...b));
  expect(Math.max(...b)).toBe(255);
});
