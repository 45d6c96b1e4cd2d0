import type { NdArray } from '@biaflow/core';
import { instanceTargets, normalizedObjectDistance } from '@biaflow/plugin-instance';

/** Channel `c` of a channels-last target, as rows (2D) for readable expectations. */
function rowsOf(t: NdArray, c: number): number[][] {
  const [Y, X, C] = t.shape;
  return Array.from({ length: Y }, (_, y) => Array.from({ length: X }, (_, x) => Math.round(t.data[(y * X + x) * C + c] * 1000) / 1000));
}

function image2d(rows: number[][], Type: { from(a: number[]): NdArray['data'] } = Uint16Array): NdArray {
  return { data: Type.from(rows.flat()), shape: [rows.length, rows[0].length] };
}

/**
 * Brute force: for each object voxel, the smallest physical distance to any voxel of another value
 * (inside the image), divided by the largest such distance in the object.
 */
function bruteForceDistance(labels: NdArray, spacing: number[]): Float32Array {
  const shape = labels.shape.length === 3 ? labels.shape : [1, ...labels.shape];
  const sp = labels.shape.length === 3 ? spacing : [1, ...spacing];
  const [Z, Y, X] = shape;
  const d = labels.data;
  const raw = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    if (d[i] === 0) continue;
    const z = Math.floor(i / (Y * X));
    const y = Math.floor(i / X) % Y;
    const x = i % X;
    let best = Infinity;
    for (let j = 0; j < d.length; j++) {
      if (d[j] === d[i]) continue;
      const dz = (Math.floor(j / (Y * X)) - z) * sp[0];
      const dy = ((Math.floor(j / X) % Y) - y) * sp[1];
      const dx = ((j % X) - x) * sp[2];
      best = Math.min(best, Math.sqrt(dz * dz + dy * dy + dx * dx));
    }
    raw[i] = best;
  }
  const max = new Map<number, number>();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) max.set(d[i], Math.max(max.get(d[i]) ?? 0, raw[i]));
  return Float32Array.from(raw, (v, i) => (d[i] === 0 ? 0 : Number.isFinite(max.get(d[i])!) ? v / max.get(d[i])! : 1));
}

/** Random blobs: a few rectangles of random labels painted over each other, so objects touch and overlap borders. */
function randomLabels(shape: number[], seed: number, Type: { new (n: number): NdArray['data'] } = Uint16Array): NdArray {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const n = shape.reduce((a, v) => a * v, 1);
  const data = new Type(n);
  const [Z, Y, X] = shape.length === 3 ? shape : [1, ...shape];
  for (let k = 0; k < 6; k++) {
    const value = 1 + Math.floor(rand() * 300);
    const z0 = Math.floor(rand() * Z);
    const y0 = Math.floor(rand() * Y);
    const x0 = Math.floor(rand() * X);
    const z1 = Math.min(Z, z0 + 1 + Math.floor(rand() * 4));
    const y1 = Math.min(Y, y0 + 2 + Math.floor(rand() * 7));
    const x1 = Math.min(X, x0 + 2 + Math.floor(rand() * 7));
    for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[(z * Y + y) * X + x] = value;
  }
  return { data, shape: [...shape] };
}

test('B is the foreground and C the thick boundary of two touching objects, channels last in the configured order', () => {
  const labels = image2d([
    [0, 0, 0, 0, 0, 0],
    [0, 1, 1, 2, 2, 0],
    [0, 1, 1, 2, 2, 0],
    [0, 0, 0, 0, 0, 0],
  ]);
  const t = instanceTargets(labels, { channels: 'BC' });
  expect(t.shape).toEqual([4, 6, 2]);
  expect(t.data).toBeInstanceOf(Float32Array);
  expect(rowsOf(t, 0)).toEqual([
    [0, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 1, 0],
    [0, 1, 1, 1, 1, 0],
    [0, 0, 0, 0, 0, 0],
  ]);
  // thick: every pixel with a 4-neighbour of another value, on both sides (corners have none).
  expect(rowsOf(t, 1)).toEqual([
    [0, 1, 1, 1, 1, 0],
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1],
    [0, 1, 1, 1, 1, 0],
  ]);
});

test('contour modes inner and outer follow find_boundaries', () => {
  const labels = image2d([
    [0, 0, 0, 0, 0],
    [0, 3, 3, 3, 0],
    [0, 3, 3, 3, 0],
    [0, 3, 3, 3, 0],
    [0, 0, 0, 0, 0],
  ]);
  const inner = rowsOf(instanceTargets(labels, { channels: 'BC', contourMode: 'inner' }), 1);
  expect(inner).toEqual([
    [0, 0, 0, 0, 0],
    [0, 1, 1, 1, 0],
    [0, 1, 0, 1, 0],
    [0, 1, 1, 1, 0],
    [0, 0, 0, 0, 0],
  ]);
  const outer = rowsOf(instanceTargets(labels, { channels: 'BC', contourMode: 'outer' }), 1);
  expect(outer).toEqual([
    [0, 1, 1, 1, 0],
    [1, 0, 0, 0, 1],
    [1, 0, 0, 0, 1],
    [1, 0, 0, 0, 1],
    [0, 1, 1, 1, 0],
  ]);
});

test('D is the distance to the object boundary, 1 at its middle; touching objects are each other\'s boundary', () => {
  const labels = image2d([
    [0, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 1, 1, 2, 0],
    [0, 1, 1, 1, 1, 1, 2, 0],
    [0, 1, 1, 1, 1, 1, 2, 0],
    [0, 1, 1, 1, 1, 1, 2, 0],
    [0, 1, 1, 1, 1, 1, 2, 0],
    [0, 0, 0, 0, 0, 0, 0, 0],
  ]);
  const t = instanceTargets(labels, { channels: 'BCD' });
  expect(t.shape).toEqual([7, 8, 3]);
  const d = rowsOf(t, 2);
  // Object 1 is 5×5: distances 1, 2, 3 from the rim to the middle; the column next to object 2 is 1 away from it.
  expect(d[3]).toEqual([0, 0.333, 0.667, 1, 0.667, 0.333, 1, 0]);
  expect(d[1]).toEqual([0, 0.333, 0.333, 0.333, 0.333, 0.333, 1, 0]);
  // Object 2 is one pixel wide: every pixel is 1 from outside, the maximum, so all 1.
  expect(d.map((r) => r[6])).toEqual([0, 1, 1, 1, 1, 1, 0]);
});

test('D matches a brute-force distance on random touching objects, 2D and anisotropic 3D, any integer type', () => {
  for (const [shape, spacing, Type] of [
    [[12, 14], [1, 1], Uint16Array],
    [[9, 11], [1, 2.5], Int32Array],
    [[5, 9, 10], [2.2, 1, 1], Uint32Array],
    [[4, 8, 8], [1, 1, 1], Uint8Array],
  ] as [number[], number[], { new (n: number): NdArray['data'] }][]) {
    for (const seed of [1, 2, 3]) {
      const labels = randomLabels(shape, seed, Type);
      const got = normalizedObjectDistance(labels, spacing).data;
      const want = bruteForceDistance(labels, spacing);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    }
  }
});

test('anisotropic spacing changes D along z: a 3-plane slab is thinner in z when planes are far apart', () => {
  const [Z, Y, X] = [5, 7, 7];
  const data = new Uint16Array(Z * Y * X);
  for (let z = 1; z <= 3; z++) for (let y = 1; y <= 5; y++) for (let x = 1; x <= 5; x++) data[(z * Y + y) * X + x] = 7;
  const labels = { data, shape: [Z, Y, X] };
  const at = (t: NdArray, z: number, y: number, x: number) => t.data[((z * Y + y) * X + x) * 2 + 1];
  // Isotropic: the middle voxel is 2 from the z faces (max 2); the centre of the top plane is 1 away → 0.5.
  const iso = instanceTargets(labels, { channels: 'BD' });
  expect(at(iso, 2, 3, 3)).toBeCloseTo(1, 6);
  expect(at(iso, 1, 3, 3)).toBeCloseTo(0.5, 6);
  // Planes 2 µm apart: the middle is 3 from the y/x faces (4 from z), the top plane's centre 2 → 2/3.
  const aniso = instanceTargets(labels, { channels: 'BD', spacing: [2, 1, 1] });
  expect(at(aniso, 2, 3, 3)).toBeCloseTo(1, 6);
  expect(at(aniso, 1, 3, 3)).toBeCloseTo(2 / 3, 6);
});

test('a background-only label gives all-zero targets; an object filling the patch gives D = 1', () => {
  const empty = instanceTargets(image2d([[0, 0], [0, 0]]), { channels: 'BCD' });
  expect([...empty.data].every((v) => v === 0)).toBe(true);
  const full = instanceTargets(image2d([[4, 4], [4, 4]]), { channels: 'BCD' });
  expect(rowsOf(full, 0)).toEqual([[1, 1], [1, 1]]);
  expect(rowsOf(full, 1)).toEqual([[0, 0], [0, 0]]);
  expect(rowsOf(full, 2)).toEqual([[1, 1], [1, 1]]);
});

test('B alone is one channel', () => {
  const t = instanceTargets(image2d([[0, 9], [9, 0]], Int16Array), { channels: 'B' });
  expect(t.shape).toEqual([2, 2, 1]);
  expect([...t.data]).toEqual([0, 1, 1, 0]);
});
