import { Kernel, predictNetwork, RunProgress, Tokens, type Image, type NdArray, type Network, type RunContext } from '@biaflow/core/internals';

/**
 * Test-time augmentation in core's tiled prediction (`predict.tta`), with fake networks. Expected
 * outputs are computed here from the test's own coordinate maps of the flips and rotations (output
 * position q reads input position m(q); the inverse puts the value at q back at m(q)), never from
 * the library's transforms.
 */

type Map3 = (z: number, y: number, x: number) => [number, number, number];

/** The transforms a Z×Y×X tile allows: the dihedral group of the y–x plane (its 4 axis-keeping elements when Y ≠ X), × a z flip in 3D. */
function tileMaps(Z: number, Y: number, X: number, ndim: 2 | 3): Map3[] {
  const plane: ((y: number, x: number) => [number, number])[] = [
    (y, x) => [y, x],
    (y, x) => [Y - 1 - y, x],
    (y, x) => [y, X - 1 - x],
    (y, x) => [Y - 1 - y, X - 1 - x],
  ];
  if (Y === X) plane.push((y, x) => [x, y], (y, x) => [X - 1 - x, y], (y, x) => [x, Y - 1 - y], (y, x) => [X - 1 - x, Y - 1 - y]);
  const maps: Map3[] = [];
  for (const flipZ of ndim === 3 ? [false, true] : [false]) {
    for (const p of plane) maps.push((z, y, x) => [flipZ ? Z - 1 - z : z, ...p(y, x)]);
  }
  return maps;
}

/** The fake network's function on one tile [Z, Y, X, C] (Z = 1 in 2D): the input plus `ramp(z, y, x)` in every channel. */
function addRamp(tile: Float32Array, [Z, Y, X, C]: number[], ramp: (z: number, y: number, x: number) => number): Float32Array {
  const out = new Float32Array(tile.length);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    for (let c = 0; c < C; c++) {
      const i = ((z * Y + y) * X + x) * C + c;
      out[i] = tile[i] + ramp(z, y, x);
    }
  }
  return out;
}

/** A fake network applying `perTile` to each tile of a batch, counting calls. */
function fakeNetwork(perTile: (tile: Float32Array, shape: number[]) => Float32Array, calls: { n: number } = { n: 0 }): Network {
  return {
    meta: {} as Network['meta'],
    dir: '',
    engine: 'fake',
    async predict(batch: NdArray<Float32Array>) {
      calls.n++;
      const [b, ...tile] = batch.shape;
      const size = batch.data.length / b;
      const out = new Float32Array(batch.data.length);
      for (let t = 0; t < b; t++) out.set(perTile(batch.data.subarray(t * size, (t + 1) * size), tile), t * size);
      return { data: out, shape: [...batch.shape] };
    },
    dispose() {},
  };
}

const identity = (tile: Float32Array) => Float32Array.from(tile);

/** A run context with what core's tiled prediction reads, and a logger that keeps its info lines. */
function fakeRun(ndim: 2 | 3, patch: number[], predict: Record<string, unknown>) {
  const info: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = { info: (obj: Record<string, unknown>, msg: string) => info.push({ obj, msg }), debug: () => undefined };
  const run = {
    config: { problem: { ndim }, data: { patch_size: patch }, predict: { overlap: 0, padding: 0, batch_size: 4, tta: true, ...predict } },
    // debug: the progress of the tiles (core's sink logs it).
    logger,
    container: new Kernel().container.register(Tokens.Logger, { useValue: logger }).register(Tokens.Progress, { useClass: RunProgress }),
  } as unknown as RunContext;
  return { run, info };
}

function image(shape: number[], axes: string, values: (i: number) => number): Image {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => values(i)), shape, axes, spacing: shape.map(() => null), dtype: 'float32' };
}

/** Deterministic pseudo-random values in [0, 1) (test-side). */
function noise(i: number): number {
  return ((i * 2654435761) % 4294967296) / 4294967296;
}

/**
 * The expected TTA output of `addRamp` on an image [Z, Y, X, C] cut into non-overlapping tiles of
 * `patch` (the image a whole number of tiles): per tile, each transform forward, the network, the
 * inverse, then the mean (float64 sums, as float32).
 */
function expectedTta(data: Float32Array, [Z, Y, X, C]: number[], [pz, py, px]: number[], ndim: 2 | 3, ramp: (z: number, y: number, x: number) => number): Float32Array {
  const maps = tileMaps(pz, py, px, ndim);
  const out = new Float32Array(data.length);
  const at = (z: number, y: number, x: number, c: number) => ((z * Y + y) * X + x) * C + c;
  const tileAt = (z: number, y: number, x: number, c: number) => ((z * py + y) * px + x) * C + c;
  for (let z0 = 0; z0 < Z; z0 += pz) for (let y0 = 0; y0 < Y; y0 += py) for (let x0 = 0; x0 < X; x0 += px) {
    const sum = new Float64Array(pz * py * px * C);
    for (const m of maps) {
      const forward = new Float32Array(sum.length);
      for (let z = 0; z < pz; z++) for (let y = 0; y < py; y++) for (let x = 0; x < px; x++) {
        const [sz, sy, sx] = m(z, y, x);
        for (let c = 0; c < C; c++) forward[tileAt(z, y, x, c)] = data[at(z0 + sz, y0 + sy, x0 + sx, c)];
      }
      const predicted = addRamp(forward, [pz, py, px, C], ramp);
      for (let z = 0; z < pz; z++) for (let y = 0; y < py; y++) for (let x = 0; x < px; x++) {
        const [sz, sy, sx] = m(z, y, x);
        for (let c = 0; c < C; c++) sum[tileAt(sz, sy, sx, c)] += predicted[tileAt(z, y, x, c)];
      }
    }
    for (let z = 0; z < pz; z++) for (let y = 0; y < py; y++) for (let x = 0; x < px; x++) {
      for (let c = 0; c < C; c++) out[at(z0 + z, y0 + y, x0 + x, c)] = sum[tileAt(z, y, x, c)] / maps.length;
    }
  }
  return out;
}

describe('predict.tta in core tiled prediction', () => {
  test('an identity network gives the input back exactly; each batch goes through the network 8 times', async () => {
    const input = image([32, 48, 2], 'YXC', noise);
    const calls = { n: 0 };
    const { run } = fakeRun(2, [16, 16], {});
    const out = await predictNetwork(run, fakeNetwork(identity, calls), input);
    expect(out.shape).toEqual([32, 48, 2]);
    expect(Array.from(out.data)).toEqual(Array.from(input.data));
    // 2 × 3 tiles in batches of 4 → 2 batches, each predicted under 8 transforms.
    expect(calls.n).toBe(16);
  });

  test('with overlap and padding, an identity network gives the same output as without TTA (blending is per tile, unchanged)', async () => {
    const input = image([37, 53, 1], 'YXC', noise);
    const settings = { overlap: 0.25, padding: 2 };
    const withTta = await predictNetwork(fakeRun(2, [16, 16], settings).run, fakeNetwork(identity), input);
    const without = await predictNetwork(fakeRun(2, [16, 16], { ...settings, tta: false }).run, fakeNetwork(identity), input);
    expect(Array.from(withTta.data)).toEqual(Array.from(without.data));
  });

  test.each([
    ['2D, square tiles: 8 transforms', 2, [32, 48, 1], [16, 16], 8, (_z: number, _y: number, x: number) => x, 7.5],
    ['2D, 8×16 tiles: 4 transforms', 2, [16, 32, 1], [8, 16], 4, (_z: number, _y: number, x: number) => x, 7.5],
    ['3D: 16 transforms', 3, [4, 8, 16, 1], [4, 8, 8], 16, (z: number, _y: number, x: number) => x + 10 * z, 3.5 + 15],
  ] as const)(
    'a network that adds a ramp (%s) gives the mean of its inverse-transformed predictions',
    async (_name, ndim, shape, patch, transforms, ramp, handMean) => {
      const axes = ndim === 3 ? 'ZYXC' : 'YXC';
      const input = image([...shape], axes, (i) => (i * 7) % 13);
      const perTile = (tile: Float32Array, s: number[]) => addRamp(tile, ndim === 3 ? s : [1, ...s], ramp);
      const { run, info } = fakeRun(ndim, [...patch], {});
      const calls = { n: 0 };
      const out = await predictNetwork(run, fakeNetwork(perTile, calls), input);

      const dims = ndim === 3 ? [...shape] : [1, ...shape];
      const tile = ndim === 3 ? [...patch] : [1, ...patch];
      expect(Array.from(out.data)).toEqual(Array.from(expectedTta(input.data as Float32Array, dims, tile, ndim, ramp)));
      // By hand: over the transforms a ramp along x averages to (tile width − 1) / 2 (and 10·z to 10·(depth − 1) / 2).
      expect(Array.from(out.data)).toEqual(Array.from(input.data, (v) => v + handMean));
      const tiles = (shape[0] / patch[0]) * (shape[1] / patch[1]) * (ndim === 3 ? shape[2] / patch[2] : 1);
      expect(calls.n).toBe(Math.ceil(tiles / 4) * transforms);

      // Without TTA the ramp shows: the output differs.
      const plain = await predictNetwork(fakeRun(ndim, [...patch], { tta: false }).run, fakeNetwork(perTile), input);
      expect(Array.from(plain.data)).not.toEqual(Array.from(out.data));

      // Said once per run, with the number of transforms.
      await predictNetwork(run, fakeNetwork(perTile), input);
      const said = info.filter((l) => l.obj.event === 'tta');
      expect(said).toHaveLength(1);
      expect(said[0].obj.transforms).toHaveLength(transforms);
      expect(said[0].msg).toContain(`predicted ${transforms} times`);
    },
  );
});
