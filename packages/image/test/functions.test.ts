import {
  clearBorder,
  distanceTransform,
  fillHoles,
  fillLabelHoles,
  findBoundaries,
  label,
  medianFilter,
  otsuThreshold,
  peakLocalMax,
  regionProps,
  removeSmallObjects,
  suppressClosePoints,
  voronoi,
  watershed,
} from '@biaflow/image';

// Small cases whose answers were worked out by hand and checked against scikit-image 0.19.3 /
// scipy 1.10.1 (the values in the comments are theirs).

const i32 = (rows: number[][]) => ({ data: Int32Array.from(rows.flat()), shape: [rows.length, rows[0].length] });
const u8 = (rows: number[][]) => ({ data: Uint8Array.from(rows.flat()), shape: [rows.length, rows[0].length] });
const f32 = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), shape: [rows.length, rows[0].length] });
const grid = (im: { data: ArrayLike<number>; shape: number[] }) => {
  const [h, w] = im.shape;
  return Array.from({ length: h }, (_, y) => Array.from(im.data).slice(y * w, (y + 1) * w));
};

describe('label', () => {
  const mask = u8([
    [1, 1, 0, 1],
    [0, 0, 0, 1],
    [1, 0, 1, 0],
  ]);
  test('faces only: objects numbered in raster order of their first pixel', () => {
    expect(grid(label(mask, { connectivity: 1 }))).toEqual([
      [1, 1, 0, 2],
      [0, 0, 0, 2],
      [3, 0, 4, 0],
    ]);
  });
  test('corners (the default) join the diagonal pixel', () => {
    expect(grid(label(mask))).toEqual([
      [1, 1, 0, 2],
      [0, 0, 0, 2],
      [3, 0, 2, 0],
    ]);
  });
  test('a U shape is one object even though its right arm starts first in its row', () => {
    const u = u8([
      [0, 1, 0, 1],
      [0, 1, 1, 1],
      [1, 0, 0, 0],
    ]);
    expect(grid(label(u, { connectivity: 1 }))).toEqual([
      [0, 1, 0, 1],
      [0, 1, 1, 1],
      [2, 0, 0, 0],
    ]);
    expect(Math.max(...label(u, { connectivity: 2 }).data)).toBe(1);
  });
  test('touching regions of different values stay apart, as skimage', () => {
    expect(grid(label(i32([[1, 2], [2, 2]])))).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });
  test('3D corner neighbours join only with connectivity 3', () => {
    const data = new Uint8Array(8);
    data[0] = 1; // (0,0,0)
    data[7] = 1; // (1,1,1)
    const count = (c: number) => Math.max(...label({ data, shape: [2, 2, 2] }, { connectivity: c }).data);
    expect([count(1), count(2), count(3)]).toEqual([2, 2, 1]);
  });
});

describe('distanceTransform', () => {
  test('distance to the nearest background pixel', () => {
    expect(Array.from(distanceTransform(u8([[0, 1, 1, 1, 0]])).data)).toEqual([0, 1, 2, 1, 0]);
    const d = distanceTransform(u8([[1, 1, 1], [1, 0, 1], [1, 1, 1]])).data;
    expect(d[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(d[1]).toBe(1);
  });
  test('anisotropic spacing scales each axis', () => {
    expect(Array.from(distanceTransform(u8([[0], [1], [1]]), { spacing: [2, 1] }).data)).toEqual([0, 2, 4]);
  });
});

describe('watershed', () => {
  test('floods from low to high; a ridge pixel goes to the marker that reaches it first', () => {
    // skimage: [[1 1 1 2 2]] (both markers have value 0; the first in raster order leaves the heap first)
    expect(Array.from(watershed(f32([[0, 1, 2, 1, 0]]), i32([[1, 0, 0, 0, 2]]), null).data)).toEqual([1, 1, 1, 2, 2]);
  });
  test('on a plateau, insertion order decides', () => {
    expect(Array.from(watershed(f32([[0, 0, 0, 0, 0]]), i32([[1, 0, 0, 0, 2]]), null).data)).toEqual([1, 1, 1, 2, 2]);
  });
  test('the mask stops the flood; unreached mask pixels stay 0', () => {
    expect(Array.from(watershed(f32([[0, 1, 2, 1, 0]]), i32([[1, 0, 0, 0, 0]]), u8([[1, 1, 0, 1, 1]])).data)).toEqual([1, 1, 0, 0, 0]);
  });
  test('every image type orders the same: float64, large-range integers, bytes; -0 equals +0', () => {
    const markers = i32([[1, 0, 0, 0, 2]]);
    const images = [
      { data: Float64Array.from([0, 1, 2, 1, 0]), shape: [1, 5] },
      { data: Int32Array.from([0, 5e7, 1e8, 5e7, 0]), shape: [1, 5] },
      { data: Uint8Array.from([0, 1, 2, 1, 0]), shape: [1, 5] },
    ];
    for (const image of images) expect(Array.from(watershed(image, markers, null).data)).toEqual([1, 1, 1, 2, 2]);
    // A marker at -0 does not go first: it ties with the one at +0, which comes first in raster order.
    for (const Ctor of [Float32Array, Float64Array]) {
      const image = { data: Ctor.from([0, 0, 0, 0, -0]), shape: [1, 5] };
      expect(Array.from(watershed(image, markers, null).data)).toEqual([1, 1, 1, 2, 2]);
    }
  });
  test('a marker outside the mask is dropped', () => {
    expect(Array.from(watershed(f32([[0, 0, 0]]), i32([[0, 0, 7]]), u8([[1, 1, 0]])).data)).toEqual([0, 0, 0]);
  });
});

describe('voronoi', () => {
  test('each mask pixel takes the nearest label; outside the mask is 0', () => {
    expect(Array.from(voronoi(i32([[1, 0, 0, 0, 0, 2]]), u8([[1, 1, 1, 1, 0, 1]])).data)).toEqual([1, 1, 1, 2, 0, 2]);
  });
  test('distance follows the spacing', () => {
    const labels = i32([
      [0, 1, 0],
      [2, 0, 0],
      [0, 0, 0],
    ]);
    const centre = (spacing: number[]) => voronoi(labels, null, { spacing }).data[4];
    expect(centre([2, 1])).toBe(2); // one pixel along x costs 1, along y 2
    expect(centre([1, 2])).toBe(1);
  });
});

describe('otsuThreshold', () => {
  test('integer images use one bin per value (skimage: 0 and 3)', () => {
    expect(otsuThreshold({ data: Uint8Array.from([0, 0, 0, 10, 10, 10]), shape: [1, 6] })).toBe(0);
    expect(otsuThreshold({ data: Uint8Array.from([1, 2, 2, 3, 8, 9, 9, 10]), shape: [1, 8] })).toBe(3);
  });
  test('float images use 256 bins with numpy float32 edges (skimage: 0.2986328)', () => {
    const image = { data: Float32Array.from([0.1, 0.2, 0.2, 0.3, 0.8, 0.9, 0.9, 1.0]), shape: [2, 4] };
    expect(otsuThreshold(image)).toBe(Math.fround(0.2986328));
  });
  test('a constant image returns its value', () => {
    expect(otsuThreshold(f32([[0.5, 0.5]]))).toBe(0.5);
  });
});

describe('medianFilter', () => {
  const row = f32([[5, 1, 3, 9, 7]]);
  test.each([
    ['reflect', [5, 3, 3, 7, 7]],
    ['mirror', [1, 3, 3, 7, 9]],
    ['nearest', [5, 3, 3, 7, 7]],
    ['wrap', [5, 3, 3, 7, 7]],
    ['constant', [1, 3, 3, 7, 7]],
  ] as const)('mode %s as scipy', (mode, want) => {
    expect(Array.from(medianFilter(row, { size: [1, 3], mode }).data)).toEqual(want);
  });
  test('an even window takes the upper median and leans left (scipy: [5 5 3 9 9])', () => {
    expect(Array.from(medianFilter(row, { size: [1, 2] }).data)).toEqual([5, 5, 3, 9, 9]);
  });
  test('keeps the input type', () => {
    expect(medianFilter(u8([[1, 2, 3]]), { size: 1 }).data).toBeInstanceOf(Uint8Array);
  });
});

describe('peakLocalMax', () => {
  const image = { data: new Float32Array(49), shape: [7, 7] };
  image.data[1 * 7 + 1] = 0.5;
  image.data[3 * 7 + 3] = 1.0;
  image.data[3 * 7 + 5] = 0.9;
  image.data[6 * 7 + 6] = 0.8;
  test('highest first (skimage: [[3,3],[3,5],[6,6],[1,1]])', () => {
    expect(peakLocalMax(image, { minDistance: 1, thresholdAbs: 0.1, excludeBorder: false })).toEqual([[3, 3], [3, 5], [6, 6], [1, 1]]);
  });
  test('the border is excluded by default (skimage: [[3,3],[3,5],[1,1]])', () => {
    expect(peakLocalMax(image, { minDistance: 1, thresholdAbs: 0.1 })).toEqual([[3, 3], [3, 5], [1, 1]]);
  });
  test('minDistance widens the neighbourhood (skimage: [[3,3],[6,6]])', () => {
    expect(peakLocalMax(image, { minDistance: 2, thresholdAbs: 0.1, excludeBorder: false })).toEqual([[3, 3], [6, 6]]);
  });
});

describe('suppressClosePoints', () => {
  const points = [[0, 0], [0, 3], [0, 5]];
  test('without scores the earlier point survives; a dropped point suppresses nothing', () => {
    expect(suppressClosePoints(points, { radius: 3 })).toEqual([[0, 0], [0, 5]]);
  });
  test('with scores the higher one survives', () => {
    expect(suppressClosePoints(points, { radius: 3, scores: [1, 5, 1] })).toEqual([[0, 3]]);
  });
  test('distance is measured after spacing', () => {
    expect(suppressClosePoints(points, { radius: 5, spacing: [1, 2] })).toEqual([[0, 0], [0, 3]]);
  });
  test('a PointList keeps its classes and scores along', () => {
    const list = { ndim: 2 as const, coordinates: Float64Array.from([0, 0, 0, 1, 9, 9]), classes: Int32Array.from([4, 5, 6]), scores: Float32Array.from([0.1, 0.9, 0.5]) };
    const kept = suppressClosePoints(list, { radius: 2 });
    expect(Array.from(kept.coordinates)).toEqual([0, 1, 9, 9]);
    expect(Array.from(kept.classes!)).toEqual([5, 6]);
  });
});

describe('small objects, holes, borders', () => {
  test('removeSmallObjects counts every pixel of a label, connected or not', () => {
    const labels = i32([
      [1, 1, 0, 2],
      [0, 0, 0, 2],
      [1, 3, 0, 2],
    ]);
    expect(grid(removeSmallObjects(labels, { minSize: 3 }))).toEqual([
      [1, 1, 0, 2],
      [0, 0, 0, 2],
      [1, 0, 0, 2],
    ]);
  });
  test('fillHoles fills enclosed background, even inside a ring along the image border', () => {
    const ring = u8([
      [1, 1, 1, 1],
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [1, 1, 1, 1],
    ]);
    expect(Array.from(fillHoles(ring).data)).toEqual(new Array(16).fill(1));
    const open = u8([
      [1, 1, 1, 1],
      [1, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    expect(Array.from(fillHoles(open).data)).toEqual(Array.from(open.data));
  });
  test('fillLabelHoles fills each object and keeps an object nested in a hole', () => {
    const labels = i32([
      [1, 1, 1, 1, 1],
      [1, 0, 0, 0, 1],
      [1, 0, 2, 0, 1],
      [1, 0, 0, 0, 1],
      [1, 1, 1, 1, 1],
    ]);
    const filled = fillLabelHoles(labels);
    expect(grid(filled)[2]).toEqual([1, 1, 2, 1, 1]);
    expect(Array.from(filled.data).filter((v) => v === 0)).toHaveLength(0);
  });
  test('clearBorder drops objects touching the border (or within bufferSize of it)', () => {
    const labels = i32([
      [1, 0, 0, 0, 0],
      [0, 2, 0, 0, 0],
      [0, 0, 3, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(Array.from(new Set(clearBorder(labels).data)).sort()).toEqual([0, 2, 3]);
    expect(Array.from(new Set(clearBorder(labels, { bufferSize: 1 }).data)).sort()).toEqual([0, 3]);
  });
});

describe('findBoundaries and regionProps', () => {
  const labels = i32([
    [0, 0, 0, 0, 0],
    [0, 1, 1, 0, 0],
    [0, 1, 1, 2, 2],
    [0, 0, 0, 2, 2],
    [0, 0, 0, 0, 0],
  ]);
  test('outer boundaries keep background pixels and pixels where objects touch (skimage)', () => {
    expect(grid(findBoundaries(labels, { mode: 'outer' }))).toEqual([
      [0, 1, 1, 0, 0],
      [1, 0, 1, 1, 1],
      [1, 0, 1, 1, 0],
      [0, 1, 1, 1, 0],
      [0, 0, 0, 1, 1],
    ]);
    expect(grid(findBoundaries(labels, { mode: 'inner' }))).toEqual([
      [0, 0, 0, 0, 0],
      [0, 1, 1, 0, 0],
      [0, 1, 1, 1, 1],
      [0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0],
    ]);
  });
  test('regionProps as skimage (area 13, centroid (2.4615, 2.1538), bbox (1,1,5,5), perimeter 10.8284)', () => {
    const blob = { data: new Int32Array(36), shape: [6, 6] };
    for (let y = 1; y < 5; y++) for (let x = 1; x < 4; x++) blob.data[y * 6 + x] = 3;
    blob.data[2 * 6 + 4] = 3;
    const [r] = regionProps(blob);
    expect(r.label).toBe(3);
    expect(r.area).toBe(13);
    expect(r.centroid[0]).toBeCloseTo(2.4615384615384617, 12);
    expect(r.centroid[1]).toBeCloseTo(2.1538461538461537, 12);
    expect(r.bbox).toEqual([1, 1, 5, 5]);
    expect(r.perimeter).toBeCloseTo(10.82842712474619, 9);
  });
  test('regionProps in 3D has no perimeter', () => {
    const data = new Uint16Array(27);
    data[13] = 4;
    expect(regionProps({ data, shape: [3, 3, 3] })).toEqual([{ label: 4, area: 1, centroid: [1, 1, 1], bbox: [1, 1, 1, 2, 2, 2], perimeter: null }]);
  });
});
