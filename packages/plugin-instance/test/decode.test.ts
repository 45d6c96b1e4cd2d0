import path from 'node:path';
import { Kernel, silentLogger, toModelLayout, type NdArray, type Prediction, type RunContext } from '@biaflow/core';
import { readImage } from 'biaflow';
import { matchingStats, matchingStatsDataset, otsuThreshold } from '@biaflow/image';
import instancePlugin, { decodeInstances, instanceTargets, objectRows, relabelSequential, voxelSize, type ChannelSet } from '@biaflow/plugin-instance';

const fixtures = path.resolve(__dirname, '../../../tests/fixtures/real');

/** Discs of the given centres and radius, labelled 1..n in order (later discs paint over earlier ones). */
function discs(shape: [number, number], centres: [number, number][], radius: number): NdArray<Uint16Array> {
  const [Y, X] = shape;
  const data = new Uint16Array(Y * X);
  centres.forEach(([cy, cx], k) => {
    for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) if ((y - cy) ** 2 + (x - cx) ** 2 <= radius * radius) data[y * X + x] = k + 1;
  });
  return { data, shape };
}

/** True when two label images describe the same partition (same objects, any numbering). */
function samePartition(a: NdArray, b: NdArray): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.data.length; i++) {
    const u = a.data[i];
    const v = b.data[i];
    if ((u === 0) !== (v === 0)) return false;
    if (u === 0) continue;
    if ((ab.get(u) ?? v) !== v || (ba.get(v) ?? u) !== u) return false;
    ab.set(u, v);
    ba.set(v, u);
  }
  return true;
}

async function fixtureLabels(file: string, ndim: 2 | 3): Promise<NdArray> {
  const image = await readImage(path.join(fixtures, file));
  const l = toModelLayout(image, ndim);
  return { data: l.data, shape: l.shape.slice(0, ndim) };
}

test('perfect BC / BD / BCD targets of touching discs decode back to the same objects', () => {
  // Three discs in a row, touching (the later disc paints over the earlier one's rim).
  const labels = discs([40, 64], [[20, 12], [20, 30], [20, 48], [8, 56]], 8);
  for (const channels of ['BC', 'BD', 'BCD'] as ChannelSet[]) {
    const targets = instanceTargets(labels, { channels });
    const { labels: decoded, count } = decodeInstances(targets, { channels, minSeedSize: 0 });
    expect(count).toBe(4);
    expect(samePartition(decoded, labels)).toBe(true);
  }
});

test('without a contour or distance channel, touching objects merge (B alone is connected components)', () => {
  const labels = discs([40, 64], [[20, 12], [20, 27], [20, 52]], 8);
  const { count, labels: decoded } = decodeInstances(instanceTargets(labels, { channels: 'B' }), { channels: 'B' });
  expect(count).toBe(2);
  expect(decoded.data[20 * 64 + 12]).toBe(decoded.data[20 * 64 + 27]);
  expect(decoded.data[20 * 64 + 52]).not.toBe(decoded.data[20 * 64 + 12]);
});

test('perfect targets of real nuclei (DSB2018 crops) decode to F1 ≥ 0.9 at IoU 0.5, pooled over the crops', async () => {
  for (const channels of ['BC', 'BCD'] as ChannelSet[]) {
    const stats = [];
    for (const file of ['nuclei2d/train/labels/0280fa8f60f6.tif', 'nuclei2d/train/labels/06c779330d6d.tif', 'nuclei2d/test/labels/003cee89357d.tif']) {
      const gt = await fixtureLabels(file, 2);
      const { labels } = decodeInstances(instanceTargets(gt, { channels }), { channels, minSeedSize: 0 });
      stats.push(matchingStats(gt, labels, { thresholds: [0.5] }));
    }
    expect(matchingStatsDataset(stats)['0.5'].f1).toBeGreaterThanOrEqual(0.9);
  }
});

test('3D with anisotropic voxels: touching round nuclei sampled on planes 2.5× farther apart decode back exactly', () => {
  const [Z, Y, X] = [14, 36, 36];
  const spacing = [2.5, 1, 1];
  const centres = [
    [7, 10, 10],
    [7, 10, 24],
    [7, 24, 17],
  ];
  const data = new Uint16Array(Z * Y * X);
  // Spheres of radius 7 µm: 2.8 planes in z, 7 pixels in y and x; the later ones paint over the earlier ones where they touch.
  centres.forEach(([cz, cy, cx], k) => {
    for (let z = 0; z < Z; z++)
      for (let y = 0; y < Y; y++)
        for (let x = 0; x < X; x++) if (((z - cz) * spacing[0]) ** 2 + (y - cy) ** 2 + (x - cx) ** 2 <= 49) data[(z * Y + y) * X + x] = k + 1;
  });
  const labels = { data, shape: [Z, Y, X] };
  for (const channels of ['BC', 'BCD'] as ChannelSet[]) {
    const targets = instanceTargets(labels, { channels, spacing });
    const decoded = decodeInstances(targets, { channels, spacing, minSeedSize: 0 });
    expect(decoded.count).toBe(3);
    expect(samePartition(decoded.labels, labels)).toBe(true);
  }
});

test('seeds follow each threshold: a higher contour threshold joins objects separated by a faint contour', () => {
  // Two squares side by side in B; the contour between them is only 0.3.
  const [Y, X] = [12, 20];
  const p = new Float32Array(Y * X * 2);
  for (let y = 2; y < 10; y++) {
    for (let x = 2; x < 18; x++) {
      p[(y * X + x) * 2] = 0.9;
      if (x === 9 || x === 10) p[(y * X + x) * 2 + 1] = 0.3;
    }
  }
  const probs = { data: p, shape: [Y, X, 2] };
  expect(decodeInstances(probs, { contourThreshold: 0.1, minSeedSize: 0 }).count).toBe(2);
  expect(decodeInstances(probs, { contourThreshold: 0.5, minSeedSize: 0 }).count).toBe(1);
  // A seed threshold above every B value leaves no seed, hence no object.
  expect(decodeInstances(probs, { seedThreshold: 0.95 }).count).toBe(0);
});

test('`auto` thresholds are Otsu\'s value of the channel, reported per image', () => {
  const labels = discs([32, 32], [[10, 10], [22, 22]], 6);
  const t = instanceTargets(labels, { channels: 'BC' });
  // Soften the targets so Otsu has something to split.
  const soft = { data: Float32Array.from(t.data, (v, i) => (i % 2 === 0 ? 0.1 + 0.8 * v : 0.05 + 0.6 * v)), shape: t.shape };
  const b = { data: Float32Array.from({ length: 32 * 32 }, (_, i) => soft.data[2 * i]), shape: [32, 32] };
  const c = { data: Float32Array.from({ length: 32 * 32 }, (_, i) => soft.data[2 * i + 1]), shape: [32, 32] };
  const d = decodeInstances(soft, { seedThreshold: 'auto', contourThreshold: 'auto', foregroundThreshold: 'auto', minSeedSize: 0 });
  expect(d.thresholds.seed).toBeCloseTo(otsuThreshold(b), 6);
  expect(d.thresholds.contour).toBeCloseTo(otsuThreshold(c), 6);
  expect(d.thresholds.foreground).toBeCloseTo(otsuThreshold(b), 6);
  expect(d.thresholds.distance).toBeNull();
  expect(d.count).toBe(2);
});

test('seed erosion splits seeds joined by a thin bridge; small seeds and small objects are removed', () => {
  // Two 9×9 squares joined by a 1-pixel bridge, plus a 2×2 speck; B only.
  const [Y, X] = [15, 30];
  const b = new Float32Array(Y * X);
  const fill = (y0: number, y1: number, x0: number, x1: number) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) b[y * X + x] = 1;
  };
  fill(3, 12, 2, 11);
  fill(3, 12, 14, 23);
  fill(7, 8, 11, 14);
  fill(0, 2, 27, 29);
  const probs = { data: b, shape: [Y, X, 1] };
  expect(decodeInstances(probs, { channels: 'B', minSeedSize: 0 }).count).toBe(2); // squares joined by the bridge, plus the speck
  expect(decodeInstances(probs, { channels: 'B', minSeedSize: 5 }).count).toBe(1); // speck seed dropped
  const eroded = decodeInstances(probs, { channels: 'B', seedErosion: 1, minSeedSize: 5 });
  expect(eroded.count).toBe(2); // bridge and speck gone from the seeds; the squares grow back over B
  const a = eroded.labels.data[7 * X + 5];
  const c = eroded.labels.data[7 * X + 18];
  expect(a).toBeGreaterThan(0);
  expect(c).toBeGreaterThan(0);
  expect(a).not.toBe(c);
  // The squares flood back to their full size (81 px each, the bridge going to one or the other).
  const areas = objectRows(eroded.labels).map((r) => r.area as number).sort((p, q) => p - q);
  expect(areas[0]).toBeGreaterThanOrEqual(81);
  expect(areas[0] + areas[1]).toBe(81 + 81 + 3);
  // min_size removes whole objects after the watershed.
  expect(decodeInstances(probs, { channels: 'B', minSeedSize: 0, minSize: 10 }).count).toBe(1);
});

test('Voronoi filling gives seedless foreground the nearest object\'s label', () => {
  // A seeded square (B = 0.9) and a separate faint patch (B = 0.4: foreground, but no seed) to its right.
  const [Y, X] = [10, 24];
  const b = new Float32Array(Y * X);
  for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) b[y * X + x] = 0.9;
  for (let y = 2; y < 8; y++) for (let x = 12; x < 16; x++) b[y * X + x] = 0.4;
  const probs = { data: b, shape: [Y, X, 1] };
  const plain = decodeInstances(probs, { channels: 'B', minSeedSize: 0 });
  expect(plain.labels.data[5 * X + 13]).toBe(0);
  const filled = decodeInstances(probs, { channels: 'B', minSeedSize: 0, voronoi: true });
  expect(filled.count).toBe(1);
  expect(filled.labels.data[5 * X + 13]).toBe(filled.labels.data[5 * X + 5]);
  expect(filled.labels.data[5 * X + 10]).toBe(0); // background between them stays background
});

test('a channel count that does not match instance.channels is a clear error', () => {
  const probs = { data: new Float32Array(4 * 4 * 2), shape: [4, 4, 2] };
  expect(() => decodeInstances(probs, { channels: 'BCD' })).toThrow(/2 channels but instance.channels is BCD/);
});

test('relabelSequential numbers objects 1..n by first appearance', () => {
  const r = relabelSequential({ data: Int32Array.from([0, 7, 7, 3, 0, 9, 3]), shape: [7] as number[] });
  expect([...r.labels.data]).toEqual([0, 1, 1, 2, 0, 3, 2]);
  expect(r.count).toBe(3);
});

test('objectRows give label, area, centroid, exclusive bbox and the centroid as axis-0… per object (2D and 3D column names)', () => {
  const rows = objectRows({ data: Uint16Array.from([0, 1, 1, 0, 0, 1, 1, 2]), shape: [2, 4] });
  expect(rows).toEqual([
    { label: 1, area: 4, centroid_y: 0.5, centroid_x: 1.5, bbox_y_min: 0, bbox_x_min: 1, bbox_y_max: 2, bbox_x_max: 3, 'axis-0': 0.5, 'axis-1': 1.5 },
    { label: 2, area: 1, centroid_y: 1, centroid_x: 3, bbox_y_min: 1, bbox_x_min: 3, bbox_y_max: 2, bbox_x_max: 4, 'axis-0': 1, 'axis-1': 3 },
  ]);
  const rows3 = objectRows({ data: Uint16Array.from([0, 5, 0, 5]), shape: [2, 1, 2] });
  expect(Object.keys(rows3[0])).toEqual([
    'label', 'area', 'centroid_z', 'centroid_y', 'centroid_x', 'bbox_z_min', 'bbox_y_min', 'bbox_x_min', 'bbox_z_max', 'bbox_y_max', 'bbox_x_max', 'axis-0', 'axis-1', 'axis-2',
  ]);
  expect(rows3[0]).toMatchObject({ label: 5, area: 2, centroid_z: 0.5, centroid_x: 1, 'axis-0': 0.5, 'axis-1': 0, 'axis-2': 1 });
});

test('with a known voxel size, objectRows add the area (2D) or volume (3D) and the centroid in µm', () => {
  // 2D, 0.5 × 0.25 µm pixels: object 1 has 4 pixels of 0.125 µm², centroid (0.5, 1.5) px.
  const rows = objectRows({ data: Uint16Array.from([0, 1, 1, 0, 0, 1, 1, 2]), shape: [2, 4] }, [0.5, 0.25]);
  expect(rows[0]).toMatchObject({ area: 4, area_um2: 0.5, 'centroid_um-0': 0.25, 'centroid_um-1': 0.375 });
  expect(rows[0]).not.toHaveProperty('volume_um3');
  // 3D, 2 × 1 × 1 µm voxels: two voxels of 2 µm³, centroid (0.5, 0, 1) px.
  const rows3 = objectRows({ data: Uint16Array.from([0, 5, 0, 5]), shape: [2, 1, 2] }, [2, 1, 1]);
  expect(rows3[0]).toMatchObject({ volume_um3: 4, 'centroid_um-0': 1, 'centroid_um-1': 0, 'centroid_um-2': 1 });
  // Unknown voxel size along any axis: no µm columns.
  expect(voxelSize({ axes: 'YX', spacing: [0.5, null] }, 2)).toBeUndefined();
  expect(voxelSize({ axes: 'ZYX', spacing: [2, 0.5, 0.25] }, 3)).toEqual([2, 0.5, 0.25]);
  expect(Object.keys(objectRows({ data: Uint16Array.from([1]), shape: [1, 1] }, undefined)[0])).not.toContain('area_um2');
});

describe('the instance_watershed post-processing step', () => {
  async function method() {
    const kernel = new Kernel();
    await kernel.use(instancePlugin());
    return kernel.postprocessMethods.get('instance_watershed')!;
  }
  const run = (instance: Record<string, unknown>) =>
    ({ run: { logger: silentLogger(), config: { problem: { type: 'instance', ndim: 2 }, instance } } as unknown as RunContext });

  test('is the default decoding of the instance workflow and reads the channels from the config', async () => {
    const m = await method();
    expect(m.kind).toBe('decode');
    expect(m.defaultFor).toEqual(['instance']);
    const labels = discs([24, 40], [[12, 10], [12, 25]], 7);
    const prediction: Prediction = {
      name: 'two.tif',
      source: { shape: [24, 40], axes: 'YX', spacing: [null, null], dtype: 'uint8' },
      probabilities: instanceTargets(labels, { channels: 'BD' }),
    };
    const out = await m.run(prediction, m.options.parse({ min_seed_size: 0 }), run({ channels: 'BD' }));
    expect(samePartition(out.labels!, labels)).toBe(true);
    // The same output read as BC (two channels too) uses D as a contour: no seed survives C < 0.1 inside objects.
    const wrong = await m.run(prediction, m.options.parse({ min_seed_size: 0 }), run({ channels: 'BC' }));
    expect(samePartition(wrong.labels!, labels)).toBe(false);
  });

  test('rejects unknown options and accepts `auto`', async () => {
    const m = await method();
    expect(() => m.options.parse({ seed_treshold: 0.6 })).toThrow();
    expect(m.options.parse({ seed_threshold: 'auto' })).toMatchObject({ seed_threshold: 'auto', contour_threshold: 0.1, min_seed_size: 10 });
  });
});
