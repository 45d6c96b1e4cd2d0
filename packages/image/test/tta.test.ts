import { averageTta, ImageError, ttaTransforms, type NdArray } from '@biaflow/image';
import { seeded } from './python-reference';

/**
 * Independent statement of each transform, as the source pixel of output pixel (y, x) in a plane of
 * Y × X (square for the ones that swap axes), with np.rot90's convention for the rotations.
 */
const PLANE_SOURCE: Record<string, (y: number, x: number, Y: number, X: number) => [number, number]> = {
  identity: (y, x) => [y, x],
  rot90: (y, x, _Y, X) => [x, X - 1 - y], // np.rot90(a, 1)[y, x] = a[x, N-1-y]
  rot180: (y, x, Y, X) => [Y - 1 - y, X - 1 - x],
  rot270: (y, x, Y) => [Y - 1 - x, y], // np.rot90(a, 3)[y, x] = a[N-1-x, y]
  flip_y: (y, x, Y) => [Y - 1 - y, x],
  flip_x: (y, x, _Y, X) => [y, X - 1 - x],
  transpose: (y, x) => [x, y],
  transverse: (y, x, Y, X) => [Y - 1 - x, X - 1 - y],
};
/** The group inverse of each plane transform: the two quarter turns undo each other, the rest undo themselves. */
const PLANE_INVERSE: Record<string, string> = { rot90: 'rot270', rot270: 'rot90' };

function splitName(name: string): { plane: string; flipZ: boolean } {
  if (name === 'flip_z') return { plane: 'identity', flipZ: true };
  if (name.endsWith('+flip_z')) return { plane: name.slice(0, -'+flip_z'.length), flipZ: true };
  return { plane: name, flipZ: false };
}

/** Apply the named transform by its formula to a [b?, z?, y, x, c] array (square plane when it swaps axes). */
function byFormula(a: NdArray, ndim: 2 | 3, name: string): NdArray<Float64Array> {
  const { plane, flipZ } = splitName(name);
  const r = a.shape.length;
  const [Y, X, C] = a.shape.slice(r - 3);
  const Z = ndim === 3 ? a.shape[r - 4] : 1;
  const B = a.shape.slice(0, r - 1 - ndim).reduce((p, q) => p * q, 1);
  const out = new Float64Array(a.data.length);
  for (let b = 0; b < B; b++)
    for (let z = 0; z < Z; z++)
      for (let y = 0; y < Y; y++)
        for (let x = 0; x < X; x++) {
          const [sy, sx] = PLANE_SOURCE[plane](y, x, Y, X);
          const sz = flipZ ? Z - 1 - z : z;
          for (let c = 0; c < C; c++) out[(((b * Z + z) * Y + y) * X + x) * C + c] = a.data[(((b * Z + sz) * Y + sy) * X + sx) * C + c];
        }
  return { data: out, shape: [...a.shape] };
}

function inverseByFormula(a: NdArray, ndim: 2 | 3, name: string): NdArray<Float64Array> {
  const { plane, flipZ } = splitName(name);
  const inv = PLANE_INVERSE[plane] ?? plane;
  return byFormula(a, ndim, flipZ ? (inv === 'identity' ? 'flip_z' : `${inv}+flip_z`) : inv);
}

function random(shape: number[], seed: number): NdArray<Float32Array> {
  const rand = seeded(seed);
  return { data: Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rand() * 200 - 100), shape };
}

const SQUARE_2D = ['identity', 'rot90', 'rot180', 'rot270', 'flip_y', 'flip_x', 'transpose', 'transverse'];
const KEEP_SHAPE_2D = ['identity', 'rot180', 'flip_y', 'flip_x'];
const withZ = (names: string[]) => [...names, ...names.map((n) => (n === 'identity' ? 'flip_z' : `${n}+flip_z`))];

describe('ttaTransforms', () => {
  const cases: [string, number[], 2 | 3, string[]][] = [
    ['2D square', [7, 7, 3], 2, SQUARE_2D],
    ['2D square with batch', [2, 5, 5, 2], 2, SQUARE_2D],
    ['2D non-square', [4, 6, 1], 2, KEEP_SHAPE_2D],
    ['2D non-square with batch', [3, 4, 6, 2], 2, KEEP_SHAPE_2D],
    ['3D square plane', [3, 5, 5, 2], 3, withZ(SQUARE_2D)],
    ['3D square plane with batch', [2, 3, 4, 4, 1], 3, withZ(SQUARE_2D)],
    ['3D non-square', [3, 4, 5, 2], 3, withZ(KEEP_SHAPE_2D)],
  ];

  test.each(cases)('%s: the transforms offered', (_what, shape, ndim, names) => {
    expect(ttaTransforms(shape, ndim).map((t) => t.name)).toEqual(names);
  });

  test.each(cases)('%s: forward is the formula, and inverse undoes it exactly', (_what, shape, ndim) => {
    const a = random(shape, shape.reduce((p, q) => p * 31 + q, 7));
    for (const t of ttaTransforms(shape, ndim)) {
      const f = t.forward(a);
      expect(f.data).toBeInstanceOf(Float32Array);
      expect(f.shape).toEqual(shape);
      expect(Array.from(f.data)).toEqual(Array.from(byFormula(a, ndim, t.name).data));
      expect(t.inverse(f)).toEqual(a);
      expect(t.forward(t.inverse(a))).toEqual(a);
      expect(Array.from(t.inverse(a).data)).toEqual(Array.from(inverseByFormula(a, ndim, t.name).data));
    }
    // Only the identity leaves random data unchanged.
    expect(ttaTransforms(shape, ndim).filter((t) => Array.from(t.forward(a).data).join() === Array.from(a.data).join()).map((t) => t.name)).toEqual(['identity']);
  });

  test('keeps the dtype and works on another channel count than the shape it was made for', () => {
    const [rot90] = ttaTransforms([4, 4, 3], 2).filter((t) => t.name === 'rot90');
    const u8 = { data: Uint8Array.from({ length: 16 }, (_, i) => i), shape: [4, 4, 1] };
    const f = rot90.forward(u8);
    expect(f.data).toBeInstanceOf(Uint8Array);
    // np.rot90(arange(16).reshape(4, 4)) = [[3,7,11,15],[2,6,10,14],[1,5,9,13],[0,4,8,12]]
    expect(Array.from(f.data)).toEqual([3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13, 0, 4, 8, 12]);
    expect(rot90.inverse(f)).toEqual(u8);
  });

  test('bad input', () => {
    expect(() => ttaTransforms([5, 5], 2)).toThrow(/shape must be channels-last \[y, x, c\] or \[b, y, x, c\] for ndim 2, got \[5,5\]/);
    expect(() => ttaTransforms([5, 5, 5, 5, 5, 5], 3)).toThrow(ImageError);
    expect(() => ttaTransforms([5, 5, 1], 4 as never)).toThrow(/ndim must be 2 or 3/);
    const [identity] = ttaTransforms([4, 4, 1], 2);
    expect(() => identity.forward({ data: new Float32Array(3), shape: [2, 2, 1] })).toThrow(/shape \[2,2,1\] but 3 values/);
  });
});

describe('averageTta', () => {
  /** The mean the way averageTta documents it: float64 sum in transform order, divided, rounded to float32. */
  function expectedMean(batch: NdArray, ndim: 2 | 3, predict: (a: NdArray) => NdArray<Float64Array>): Float32Array {
    const names = ttaTransforms(batch.shape, ndim).map((t) => t.name);
    const sum = new Float64Array(predict(batch).data.length);
    for (const name of names) {
      const back = inverseByFormula(predict(byFormula(batch, ndim, name)), ndim, name).data;
      for (let i = 0; i < sum.length; i++) sum[i] += back[i];
    }
    return Float32Array.from(sum, (v) => v / names.length);
  }

  /** Not flip-equivariant: adds a ramp along x (and, in 3D, along z), and writes a second channel. */
  function rampPredict(ndim: 2 | 3) {
    return (a: NdArray): NdArray<Float64Array> => {
      const r = a.shape.length;
      const [, X, C] = a.shape.slice(r - 3);
      const Z = ndim === 3 ? a.shape[r - 4] : 1;
      const YX = a.shape[r - 3] * X;
      const pixels = a.data.length / C;
      const out = new Float64Array(pixels * 2);
      for (let p = 0; p < pixels; p++) {
        const x = p % X;
        const z = Math.floor(p / YX) % Z;
        out[2 * p] = a.data[p * C] + x * 0.75 + z * 2;
        out[2 * p + 1] = Math.fround(a.data[p * C] * 0.5 - x);
      }
      return { data: out, shape: [...a.shape.slice(0, r - 1), 2] };
    };
  }

  test.each([
    ['2D square', [2, 6, 6, 1], 2],
    ['2D non-square', [2, 5, 7, 2], 2],
    ['3D', [1, 3, 5, 5, 1], 3],
  ] as [string, number[], 2 | 3][])('%s: an identity predictor gives the input back exactly', async (_what, shape) => {
    const batch = random(shape, 99);
    let calls = 0;
    const out = await averageTta(batch, async (b) => {
      calls++;
      return b;
    });
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out).toEqual(batch);
    expect(calls).toBe(ttaTransforms(shape, shape.length === 5 ? 3 : 2).length);
  });

  test.each([
    ['2D square', [2, 6, 6, 1], 2],
    ['2D non-square', [2, 5, 7, 2], 2],
    ['3D', [2, 3, 5, 5, 1], 3],
  ] as [string, number[], 2 | 3][])('%s: a predictor that is not flip-equivariant gives exactly the mean of its back-transformed outputs', async (_what, shape, ndim) => {
    const batch = random(shape, 5);
    const predict = rampPredict(ndim);
    const out = await averageTta(batch, async (b) => predict(b));
    expect(out.shape).toEqual([...shape.slice(0, -1), 2]);
    expect(Array.from(out.data)).toEqual(Array.from(expectedMean(batch, ndim, predict)));
    // ... which is not the plain prediction.
    const plain = Float32Array.from(predict(batch).data);
    const differing = out.data.filter((v, i) => Math.abs(v - plain[i]) > 1e-3).length;
    expect(differing).toBeGreaterThan(out.data.length / 4);
  });

  test('bad input and a predictor that changes the shape', async () => {
    await expect(averageTta({ data: new Float32Array(4), shape: [2, 2, 1] }, async (b) => b)).rejects.toThrow(/batch must be \[b, y, x, c\] or \[b, z, y, x, c\], got shape \[2,2,1\]/);
    let calls = 0;
    const drifting = async (b: NdArray) => {
      calls++;
      return { data: new Float32Array((b.data.length / b.shape[3]) * calls), shape: [...b.shape.slice(0, 3), calls] };
    };
    await expect(averageTta({ data: new Float32Array(4), shape: [1, 2, 2, 1] }, drifting)).rejects.toThrow(/the rot90 prediction has shape \[1,2,2,2\] once transformed back, but the identity one has \[1,2,2,1\]/);
    await expect(averageTta({ data: new Float32Array(4), shape: [1, 2, 2, 1] }, async () => ({ data: new Float32Array(4), shape: [4] }))).rejects.toThrow(/array\.shape must be channels-last/);
    await expect(averageTta({ data: new Float32Array(4), shape: [1, 2, 2, 1] }, async () => 'x' as never)).rejects.toThrow(/predict returned string for the identity batch/);
  });
});
