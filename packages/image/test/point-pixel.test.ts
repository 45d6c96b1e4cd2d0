import { dropPointsInBoxes, flipPoints, mirrorCopies, pointInside, pointMask, pointPixel, pointsFromMask, rot90Points, type PointList } from '@biaflow/image';

const list = (rows: number[][], classes?: number[]): PointList => ({
  ndim: rows[0].length as 2 | 3,
  coordinates: Float64Array.from(rows.flat()),
  ...(classes ? { classes: Int32Array.from(classes) } : {}),
});
const rows = (p: PointList) => Array.from({ length: p.coordinates.length / p.ndim }, (_, i) => [...p.coordinates.subarray(i * p.ndim, (i + 1) * p.ndim)]);

describe('the rounding rule: pixel i covers [i − 0.5, i + 0.5); an axis of n pixels holds −0.5 ≤ c ≤ n − 0.5', () => {
  test('a coordinate goes to the nearest pixel centre, halves up', () => {
    expect([0, 0.49, 0.5, 2.5, 3.4999, -0.5, -0.2].map((c) => pointPixel(c, 10))).toEqual([0, 0, 1, 3, 3, 0, 0]);
    // Math.round's exactness: floor(c + 0.5) would give 1 here.
    expect(pointPixel(0.49999999999999994, 10)).toBe(0);
  });

  test('both edges are inside; the upper edge belongs to the last pixel; beyond them is outside', () => {
    expect([-0.5, 9.5, 9.49, -0.51, 9.51].map((c) => pointInside(c, 10))).toEqual([true, true, true, false, false]);
    expect(pointPixel(9.5, 10)).toBe(9);
    expect(pointPixel(-0.5, 10)).toBe(0);
  });

  test('a point on an edge stays inside through flips and rotations by 90° (no point lost to the rule)', () => {
    const edge = list([
      [-0.5, 3],
      [7.5, -0.5],
      [-0.5, 11.5],
    ]);
    const moved: [PointList, number[]][] = [
      [flipPoints(edge, [8, 12], 0), [8, 12]],
      [flipPoints(edge, [8, 12], 1), [8, 12]],
      [rot90Points(edge, [8, 12], 1), [12, 8]],
      [rot90Points(edge, [8, 12], 2), [8, 12]],
      [rot90Points(edge, [8, 12], 3), [12, 8]],
    ];
    for (const [points, shape] of moved) {
      expect(rows(points).every((p) => p.every((c, k) => pointInside(c, shape[k])))).toBe(true);
    }
    expect(rows(flipPoints(edge, [8, 12], 0))).toEqual([
      [7.5, 3],
      [-0.5, -0.5],
      [7.5, 11.5],
    ]);
    // A quarter turn of an 8×12 plane is 12×8: (y, x) → (11 − x, y).
    expect(rows(rot90Points(edge, [8, 12], 1))).toEqual([
      [8, -0.5],
      [11.5, 7.5],
      [-0.5, -0.5],
    ]);
  });
});

describe('point masks', () => {
  test('each point its class at its pixel; the upper edge in the last pixel; outside points left out', () => {
    const mask = pointMask(list([[1.4, 2.5], [3.5, 3.5], [9, 1]], [2, 1, 3]), [4, 4]);
    expect(mask.shape).toEqual([4, 4]);
    const at = (y: number, x: number) => mask.data[y * 4 + x];
    expect([at(1, 3), at(3, 3)]).toEqual([2, 1]);
    expect([...mask.data].filter((v) => v).length).toBe(2);
  });

  test('a mask read back as points: one per non-zero pixel, at its centre, its value as the class', () => {
    const p = pointsFromMask({ data: Uint8Array.from([0, 0, 5, 0, 0, 0, 1, 0, 0]), shape: [3, 3] }, 2);
    expect(rows(p)).toEqual([
      [0, 2],
      [2, 0],
    ]);
    expect([...(p.classes as Int32Array)]).toEqual([5, 1]);
  });
});

describe('mirrored copies (numpy reflect: mirror axes at the first and last pixel centres)', () => {
  test('q shows at −q and 2(n − 1) − q past the borders, and repeats with period 2(n − 1)', () => {
    const { at, mirrored } = mirrorCopies(2.25, 10, -20, 30);
    expect(at[0]).toBe(2.25);
    expect([...at].sort((a, b) => a - b)).toEqual([-15.75, -2.25, 2.25, 15.75, 20.25].sort((a, b) => a - b));
    expect(mirrored).toEqual(at.map((u) => u !== 2.25));
  });

  test('within half a pixel of a mirror axis the reflection is the same spot: not copied', () => {
    expect(mirrorCopies(0.3, 10, -5, 5).at).toEqual([0.3]);
    expect(mirrorCopies(8.8, 10, 4, 15).at).toEqual([8.8]);
    // 8.4 is 0.6 from the axis at 9: its reflection 9.6 is past the image's own range [−0.5, 9.5], mirrored content.
    expect(mirrorCopies(8.4, 10, 4, 15).at).toEqual([8.4, 9.6]);
  });

  test('a copy never lands where the image shows itself', () => {
    // 0.5 mirrors to −0.5, the image's own lower edge (pixel 0 shows pixel 0, not a reflection).
    expect(mirrorCopies(0.5, 10, -5, 5).at).toEqual([0.5]);
  });
});

describe('cut-out boxes applied to the label drop the points under them', () => {
  test('a point whose pixel is in a box goes, the others stay with their classes', () => {
    const kept = dropPointsInBoxes(list([[1, 1], [2.4, 5.6], [6, 6]], [1, 2, 3]), [8, 8], [{ from: [0, 2, 5], to: [1, 4, 7] }]);
    expect(rows(kept)).toEqual([
      [1, 1],
      [6, 6],
    ]);
    expect([...(kept.classes as Int32Array)]).toEqual([1, 3]);
  });
});
