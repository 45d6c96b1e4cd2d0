import path from 'node:path';
import { coreSchema } from '@biaflow/core/internals';
import { DataCheckError, writeAugmentPreview, type DataConfig, type NamedBatch } from '@biaflow/data';
import type { NdArray } from '@biaflow/core/internals';
import { writePoints } from 'biaflow';
import { tempDir, writeTestImage } from './files';
import { prepareFor } from './prepare';

/**
 * Point annotations travel as coordinates through the batch builder: cut with the patch, moved by
 * every geometric augmentation as the image is, and drawn into the target by the detection
 * workflow's `prepareSample` only at the end. Checked on images whose spots are where the points are.
 */

const SIZE = 64;
const CENTRE = (SIZE - 1) / 2;

/**
 * 15 sub-pixel points within 12 px of the centre, at least 5 px apart (seeded): under the
 * augmentations below none leaves the patch, and none is near enough to its border for a mirrored
 * copy to show inside it.
 */
function fifteenPoints(): number[][] {
  let s = 12345;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const points: number[][] = [];
  while (points.length < 15) {
    const [r, t] = [12 * Math.sqrt(random()), 2 * Math.PI * random()];
    const p = [CENTRE + r * Math.cos(t), CENTRE + r * Math.sin(t)];
    if (points.every((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) >= 5)) points.push(p);
  }
  return points;
}

/** A 64×64 image with a Gaussian spot (σ 1.5) at each point, and its point CSV. */
async function spotsFolder(points: number[][]): Promise<string> {
  const root = tempDir();
  const img = new Uint16Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let v = 100;
      for (const [py, px] of points) v += 2000 * Math.exp(-((y - py) ** 2 + (x - px) ** 2) / (2 * 1.5 * 1.5));
      img[y * SIZE + x] = Math.round(v);
    }
  }
  writeTestImage(path.join(root, 'images', 'spots.tif'), img, [SIZE, SIZE]);
  await writePoints(path.join(root, 'points', 'spots.csv'), { ndim: 2, coordinates: Float64Array.from(points.flat()) });
  return root;
}

function detectionConfig(root: string, augment: Record<string, unknown>, patch = [SIZE, SIZE]): DataConfig {
  const c = coreSchema.parse({
    problem: { type: 'detection' },
    train: { batch_size: 2 },
    augment,
    data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'points') }, val: { images: path.join(root, 'images'), labels: path.join(root, 'points') } },
  }) as unknown as DataConfig & { detection: unknown };
  c.data.patch_size = patch;
  // One pixel per point in the target (disk of radius 0), so the target's pixels are the points'.
  c.detection = { target: 'disk', radius: 0 };
  return c;
}

/** Non-zero pixels of sample `i` of a batch's one-channel target, as [y, x]. */
function targetPixels(batch: NamedBatch, i: number): number[][] {
  const out: number[][] = [];
  const base = i * SIZE * SIZE;
  for (let k = 0; k < SIZE * SIZE; k++) if (batch.y.data[base + k] !== 0) out.push([Math.floor(k / SIZE), k % SIZE]);
  return out;
}

/** The brightest pixel of sample `i`'s image within `r` px of (y, x). */
function brightestNear(batch: NamedBatch, i: number, [y, x]: number[], r = 2): number[] {
  let best = [y, x];
  let value = -Infinity;
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const [yy, xx] = [y + dy, x + dx];
      if (yy < 0 || xx < 0 || yy >= SIZE || xx >= SIZE) continue;
      const v = batch.x.data[i * SIZE * SIZE + yy * SIZE + xx];
      if (v > value) [value, best] = [v, [yy, xx]];
    }
  }
  return best;
}

describe('points through the batch builder', () => {
  const points = fifteenPoints();

  test('rotation, zoom and elastic deformation: all 15 points in every sample, their targets on the moved spots', async () => {
    const root = await spotsFolder(points);
    const augment = {
      rotate: { probability: 1, degrees: [-25, 25] },
      zoom: { probability: 1, range: [1, 1.15] },
      elastic: { probability: 1, alpha: 6, sigma: 8 },
    };
    const d = await prepareFor(detectionConfig(root, augment), { workflowTargets: true });
    const counts: number[] = [];
    let compared = 0;
    for (let step = 0; step < 6; step++) {
      const batch = await d.training.batch(0, step);
      for (let i = 0; i < 2; i++) {
        const { after, applied } = await d.training.trainingSample(0, step, i);
        expect(applied.some((a) => a.startsWith('rotate'))).toBe(true);
        expect(applied.some((a) => a.startsWith('elastic'))).toBe(true);
        counts.push(after.points!.coordinates.length / 2);
        const pixels = targetPixels(batch, i);
        expect(pixels).toHaveLength(15);
        // Each target pixel is on its spot: the image's brightest pixel nearby is at most one pixel off.
        for (const p of pixels) {
          const spot = brightestNear(batch, i, p);
          expect(Math.max(Math.abs(spot[0] - p[0]), Math.abs(spot[1] - p[1]))).toBeLessThanOrEqual(1);
          compared++;
        }
      }
    }
    expect(counts).toEqual(new Array(12).fill(15));
    expect(compared).toBe(12 * 15);
  });

  test('a fixed rotation and zoom: the target is drawn where the forward map takes each point (rounded), and nowhere else', async () => {
    const root = await spotsFolder(points);
    const [degrees, zoom] = [30, 1.1];
    const augment = { flip: { probability: 0 }, rot90: { probability: 0 }, rotate: { probability: 1, degrees: [degrees, degrees] }, zoom: { probability: 1, range: [zoom, zoom] } };
    const d = await prepareFor(detectionConfig(root, augment), { workflowTargets: true });
    const batch = await d.training.batch(0, 0);
    const t = (degrees * Math.PI) / 180;
    // The image is read backwards through c + R(θ)(p − c)/zoom: a source point u goes forward to c + zoom · R(−θ)(u − c).
    const expected = points
      .map(([y, x]) => [CENTRE + zoom * (Math.cos(t) * (y - CENTRE) + Math.sin(t) * (x - CENTRE)), CENTRE + zoom * (-Math.sin(t) * (y - CENTRE) + Math.cos(t) * (x - CENTRE))])
      .map((p) => p.map(Math.round))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 0; i < 2; i++) expect(targetPixels(batch, i)).toEqual(expected);
  });

  test('flips and 90° rotations: the same 15 points, exactly where the pixels went', async () => {
    const root = await spotsFolder(points);
    const d = await prepareFor(detectionConfig(root, { flip: { probability: 0.5 }, rot90: { probability: 1 } }), { workflowTargets: true });
    for (let step = 0; step < 4; step++) {
      const batch = await d.training.batch(0, step);
      for (let i = 0; i < 2; i++) {
        const pixels = targetPixels(batch, i);
        expect(pixels).toHaveLength(15);
        // Without resampling the spots keep their shape: the target pixel is the spot's brightest pixel.
        for (const p of pixels) expect(brightestNear(batch, i, p, 1)).toEqual(p);
      }
    }
  });

  test('a patch cut from a larger image holds the points inside it, shifted to its coordinates', async () => {
    // Each pixel's value says where it is (y·W + x), so a patch tells its own origin.
    const root = tempDir();
    const [H, W] = [70, 90];
    writeTestImage(path.join(root, 'images', 'grid.tif'), Float32Array.from({ length: H * W }, (_, i) => i), [H, W]);
    let s = 7;
    const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    // Sub-pixel points anywhere, some on the image's edges exactly.
    const all = [...Array.from({ length: 60 }, () => [-0.5 + random() * H, -0.5 + random() * W]), [-0.5, 10], [H - 0.5, 20], [30, W - 0.5]];
    await writePoints(path.join(root, 'points', 'grid.csv'), { ndim: 2, coordinates: Float64Array.from(all.flat()) });
    const c = detectionConfig(root, { enabled: false }, [24, 32]);
    c.data.normalization = { ...c.data.normalization, method: 'none' };
    const d = await prepareFor(c);
    let seen = 0;
    for (let step = 0; step < 6; step++) {
      for (let i = 0; i < 2; i++) {
        const { after } = await d.training.trainingSample(0, step, i);
        const first = after.image.data[0] as number;
        const origin = [Math.floor(first / W), first % W];
        const expected = all
          .map(([y, x]) => [y - origin[0], x - origin[1]])
          .filter(([y, x]) => y >= -0.5 && y <= 23.5 && x >= -0.5 && x <= 31.5);
        const got = Array.from({ length: after.points!.coordinates.length / 2 }, (_, k) => [...after.points!.coordinates.subarray(2 * k, 2 * k + 2)]);
        expect(got).toEqual(expected);
        seen += got.length;
      }
    }
    expect(seen).toBeGreaterThan(10);
  });
});

describe('point files: the rounding rule at the image edge, the preview', () => {
  test('a point exactly on the upper edge (n − 0.5) is inside the image and drawn in its last pixel; past it, refused', async () => {
    const root = tempDir();
    writeTestImage(path.join(root, 'images', 'e.tif'), new Uint8Array(20 * 20).fill(9), [20, 20]);
    await writePoints(path.join(root, 'points', 'e.csv'), { ndim: 2, coordinates: Float64Array.from([19.5, 3, -0.5, 19.5]) });
    const c = detectionConfig(root, { enabled: false }, [20, 20]);
    const v = await (await prepareFor(c)).training.validationBatch(0);
    expect([...v.y.data].map((value, i) => (value ? i : -1)).filter((i) => i >= 0)).toEqual([0 * 20 + 19, 19 * 20 + 3]);
    await writePoints(path.join(root, 'points', 'e.csv'), { ndim: 2, coordinates: Float64Array.from([19.5, 3, 19.5001, 3]) });
    const err = await prepareFor(c).catch((e) => e);
    expect(err).toBeInstanceOf(DataCheckError);
    expect(err.message).toMatch(/e\.csv: point 2 \(row numbers\) lie outside the 20×20 image/);
  });

  test('augment-preview draws the augmented points at their pixels beside the image', async () => {
    const root = await spotsFolder(fifteenPoints());
    const d = await prepareFor(detectionConfig(root, { rotate: { probability: 1, degrees: [-25, 25] } }));
    const written = new Map<string, NdArray<Uint8Array>>();
    await writeAugmentPreview(d.training, tempDir(), { count: 2, ndim: 2, writePng: async (file, image) => void written.set(path.basename(file), image) });
    expect(written.size).toBe(4);
    for (const [name, png] of written) {
      const [H, W] = png.shape;
      expect([H, W]).toEqual([SIZE, 2 * SIZE + 4]);
      let drawn = 0;
      for (let y = 0; y < H; y++) for (let x = SIZE + 4; x < W; x++) if (png.data[y * W + x]) drawn++;
      expect({ name, drawn }).toEqual({ name, drawn: 15 });
    }
  });
});
