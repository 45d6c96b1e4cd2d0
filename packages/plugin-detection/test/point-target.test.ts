import { InputError } from '@biaflow/core';
import { pointListTarget, pointTarget } from '@biaflow/plugin-detection';

/** A mask with the given class at each [y, x]. */
function mask2d(h: number, w: number, points: [number, number, number][]) {
  const data = new Uint16Array(h * w);
  for (const [y, x, c] of points) data[y * w + x] = c;
  return { data, shape: [h, w] };
}

const nonZero = (t: { data: Float32Array; shape: number[] }, channel = 0) => {
  const channels = t.shape[t.shape.length - 1];
  const out: number[] = [];
  for (let i = channel; i < t.data.length; i += channels) if (t.data[i] !== 0) out.push((i - channel) / channels);
  return out;
};

describe('pointTarget', () => {
  test('a disk of radius 2 covers the 13 pixels with dy² + dx² ≤ 4, value 1', () => {
    const t = pointTarget(mask2d(9, 9, [[4, 4, 1]]), { classes: 1, shape: 'disk', radius: [2, 2] });
    expect(t.shape).toEqual([9, 9, 1]);
    const expected: number[] = [];
    for (let y = 0; y < 9; y++) for (let x = 0; x < 9; x++) if ((y - 4) ** 2 + (x - 4) ** 2 <= 4) expected.push(y * 9 + x);
    expect(expected).toHaveLength(13);
    expect(nonZero(t)).toEqual(expected);
    expect(new Set(expected.map((i) => t.data[i]))).toEqual(new Set([1]));
  });

  test('a point at the corner keeps only the part of its disk inside the patch', () => {
    const t = pointTarget(mask2d(5, 5, [[0, 0, 1]]), { classes: 1, shape: 'disk', radius: [2, 2] });
    // (0,0) (0,1) (0,2) (1,0) (1,1) (2,0)
    expect(nonZero(t)).toEqual([0, 1, 2, 5, 6, 10]);
  });

  test('each class goes to its own channel', () => {
    const t = pointTarget(mask2d(7, 7, [[1, 1, 1], [5, 5, 2]]), { classes: 2, shape: 'disk', radius: [0, 0] });
    expect(t.shape).toEqual([7, 7, 2]);
    expect(nonZero(t, 0)).toEqual([1 * 7 + 1]);
    expect(nonZero(t, 1)).toEqual([5 * 7 + 5]);
  });

  test('a class beyond detection.classes is an input error naming the sample', () => {
    expect(() => pointTarget(mask2d(5, 5, [[2, 2, 3]]), { classes: 2, shape: 'disk', radius: [1, 1] }, 'cells.tif')).toThrow(InputError);
    expect(() => pointTarget(mask2d(5, 5, [[2, 2, 3]]), { classes: 2, shape: 'disk', radius: [1, 1] }, 'cells.tif')).toThrow(/cells\.tif.*class 3.*detection\.classes is 2/);
  });

  test('a Gaussian blob: 1 at the point, exp(−d²/2σ²) around it, larger value where blobs overlap', () => {
    const sigma = 1.5;
    const t = pointTarget(mask2d(11, 15, [[5, 4, 1], [5, 8, 1]]), { classes: 1, shape: 'gaussian', radius: [sigma, sigma] });
    const at = (y: number, x: number) => t.data[y * 15 + x];
    expect(at(5, 4)).toBe(1);
    expect(at(5, 8)).toBe(1);
    expect(at(6, 4)).toBeCloseTo(Math.exp(-1 / (2 * sigma * sigma)), 6);
    expect(at(7, 3)).toBeCloseTo(Math.exp(-5 / (2 * sigma * sigma)), 6);
    // Between the two points (distance 2 from each): the max of the two blobs, not their sum.
    expect(at(5, 6)).toBeCloseTo(Math.exp(-4 / (2 * sigma * sigma)), 6);
  });

  test('an anisotropic 3D ball [1, 2, 2]: 13 voxels in the point\'s plane, one above and one below', () => {
    const shape = [5, 9, 9];
    const data = new Uint16Array(5 * 81);
    data[2 * 81 + 4 * 9 + 4] = 1;
    const t = pointTarget({ data, shape }, { classes: 1, shape: 'disk', radius: [1, 2, 2] });
    expect(t.shape).toEqual([5, 9, 9, 1]);
    const hits = nonZero(t);
    expect(hits).toHaveLength(15);
    const planes = hits.map((i) => Math.floor(i / 81));
    expect(planes.filter((z) => z === 2)).toHaveLength(13);
    expect(hits).toContain(1 * 81 + 4 * 9 + 4);
    expect(hits).toContain(3 * 81 + 4 * 9 + 4);
  });

  test('a mask with a trailing channel axis of 1 is accepted', () => {
    const t = pointTarget({ data: new Uint8Array([0, 1, 0, 0]), shape: [2, 2, 1] }, { classes: 1, shape: 'disk', radius: [0, 0] });
    expect(t.shape).toEqual([2, 2, 1]);
    expect(Array.from(t.data)).toEqual([0, 1, 0, 0]);
  });
});

describe('pointListTarget: the target from points as coordinates (a patch\'s sample.points)', () => {
  const list = (rows: number[][], classes?: number[]) => ({
    ndim: 2 as const,
    coordinates: Float64Array.from(rows.flat()),
    ...(classes ? { classes: Int32Array.from(classes) } : {}),
  });

  test('each point drawn at its pixel round(c), halves up: (1.4, 2.5) is pixel (1, 3)', () => {
    const t = pointListTarget(list([[1.4, 2.5]]), [5, 6], { classes: 1, shape: 'disk', radius: [1, 1] });
    expect(t.shape).toEqual([5, 6, 1]);
    // A disk of radius 1 around (1, 3): itself and its 4 neighbours.
    expect(nonZero(t)).toEqual([0 * 6 + 3, 1 * 6 + 2, 1 * 6 + 3, 1 * 6 + 4, 2 * 6 + 3]);
  });

  test('a point on the upper edge (n − 0.5) is in the last pixel; one past the edge is left out', () => {
    const t = pointListTarget(list([[4.5, 5.5], [-0.6, 2], [2, 5.51]]), [5, 6], { classes: 1, shape: 'disk', radius: [0, 0] });
    expect(nonZero(t)).toEqual([4 * 6 + 5]);
  });

  test('classes go to their channels; without a class column every point is class 1', () => {
    const two = pointListTarget(list([[1, 1], [5, 5]], [2, 1]), [7, 7], { classes: 2, shape: 'disk', radius: [0, 0] });
    expect(nonZero(two, 0)).toEqual([5 * 7 + 5]);
    expect(nonZero(two, 1)).toEqual([1 * 7 + 1]);
    const one = pointListTarget(list([[1, 1]]), [3, 3], { classes: 1, shape: 'gaussian', radius: [1, 1] });
    expect(one.data[1 * 3 + 1]).toBe(1);
  });

  test('two points on one pixel draw it once (the larger value), unlike a mask they are both kept', () => {
    const t = pointListTarget(list([[2.2, 2.2], [1.8, 1.9], [2, 4]], [1, 2, 1]), [5, 5], { classes: 2, shape: 'disk', radius: [0, 0] });
    // (2.2, 2.2) and (1.8, 1.9) share pixel (2, 2) but not a class: both channels hold it.
    expect(nonZero(t, 0)).toEqual([2 * 5 + 2, 2 * 5 + 4]);
    expect(nonZero(t, 1)).toEqual([2 * 5 + 2]);
  });

  test('a class beyond detection.classes is an input error naming the sample', () => {
    expect(() => pointListTarget(list([[1, 1]], [3]), [4, 4], { classes: 2, shape: 'disk', radius: [1, 1] }, 'cells.tif')).toThrow(/cells\.tif.*class 3.*detection\.classes is 2/);
  });
});
