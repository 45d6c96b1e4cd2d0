import type { NdArray, Network } from '@biaflow/core';
import { classifyImage } from '@biaflow/plugin-classification';

/**
 * Test-time augmentation of a classifier: the class scores averaged over the flips and 90°
 * rotations of the input patch. The expected scores are computed here from the test's own
 * coordinate maps of the dihedral transforms, not from the library's transforms.
 */

/** Scores that depend on orientation: the top-left pixel, the mean of the top row, the x-weighted sum. */
function orientedScores(tile: Float32Array, Y: number, X: number): number[] {
  let top = 0;
  let weighted = 0;
  for (let x = 0; x < X; x++) top += tile[x];
  for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) weighted += x * tile[y * X + x];
  return [tile[0], top / X, weighted];
}

/** A fake classifier network computing `orientedScores` of each [y, x, 1] input, counting its calls. */
function fakeClassifier(calls: { n: number }): Network {
  return {
    meta: {} as Network['meta'],
    dir: '',
    engine: 'fake',
    async predict(batch: NdArray<Float32Array>) {
      calls.n++;
      const [b, Y, X] = batch.shape;
      const out = new Float32Array(b * 3);
      for (let i = 0; i < b; i++) out.set(orientedScores(batch.data.subarray(i * Y * X, (i + 1) * Y * X), Y, X), i * 3);
      return { data: out, shape: [b, 3] };
    },
    dispose() {},
  };
}

/** The coordinate maps (output (y, x) reads input m(y, x)) of the transforms a Y×X patch allows. */
function planeMaps(Y: number, X: number): ((y: number, x: number) => [number, number])[] {
  const keep: ((y: number, x: number) => [number, number])[] = [
    (y, x) => [y, x],
    (y, x) => [Y - 1 - y, x],
    (y, x) => [y, X - 1 - x],
    (y, x) => [Y - 1 - y, X - 1 - x],
  ];
  if (Y !== X) return keep;
  // Square: the four that swap the axes as well (rotations by 90° and 270°, transpose, anti-transpose).
  return [...keep, (y, x) => [x, y], (y, x) => [X - 1 - x, y], (y, x) => [x, Y - 1 - y], (y, x) => [X - 1 - x, Y - 1 - y]];
}

function expectedScores(image: Float32Array, Y: number, X: number): Float32Array {
  const maps = planeMaps(Y, X);
  const sum = new Float64Array(3);
  for (const m of maps) {
    const t = new Float32Array(Y * X);
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const [sy, sx] = m(y, x);
        t[y * X + x] = image[sy * X + sx];
      }
    }
    // As the network returns them: float32.
    Float32Array.from(orientedScores(t, Y, X)).forEach((v, c) => (sum[c] += v));
  }
  return Float32Array.from(sum, (v) => v / maps.length);
}

test.each([
  ['a square patch: 8 transforms', 6, 6, 8],
  ['a non-square patch: 4 transforms (no rotation by 90°)', 4, 6, 4],
])('%s', async (_name, Y, X, transforms) => {
  const image = Float32Array.from({ length: Y * X }, (_, i) => (i * 37) % 11);
  const calls = { n: 0 };
  const net = fakeClassifier(calls);
  const tta = await classifyImage(net, { data: image, shape: [Y, X, 1] }, [Y, X], { tta: true });
  expect(calls.n).toBe(transforms);
  expect(Array.from(tta)).toEqual(Array.from(expectedScores(image, Y, X)));
  const plain = await classifyImage(net, { data: image, shape: [Y, X, 1] }, [Y, X]);
  expect(calls.n).toBe(transforms + 1);
  expect(Array.from(plain)).toEqual(Array.from(Float32Array.from(orientedScores(image, Y, X))));
  expect(Array.from(tta)).not.toEqual(Array.from(plain));
});
