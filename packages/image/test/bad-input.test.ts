import { ImageError } from '@biaflow/image';
import * as pp from '@biaflow/image';

// Bad input gives an ImageError naming the argument, or a defined result: never a crash deep inside,
// a hang, or a NaN.

const img = (data: ArrayLike<number>, shape: number[], Ctor: new (a: ArrayLike<number>) => ArrayLike<number> = Int32Array) => ({
  data: new Ctor(data) as Int32Array,
  shape,
});
const zeros = (shape: number[], Ctor: new (n: number) => ArrayLike<number> = Int32Array) => ({
  data: new Ctor(shape.reduce((a, b) => a * b, 1)) as Int32Array,
  shape,
});
const empty2d = () => ({ data: new Int32Array(0), shape: [0, 5] });
/** One object covering the whole image: it touches every border. */
const full = (shape = [4, 5]) => ({ data: new Int32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape });

function expectInputError(run: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ImageError);
  expect((error as Error).message).toMatch(pattern);
}

const noNaN = (value: unknown) => expect(JSON.stringify(value, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN!' : v))).not.toContain('NaN!');

describe('images that are not images', () => {
  test.each([
    ['a nested JS array', { data: [[1, 2]], shape: [1, 2] }, /mask\.data must be a typed array/],
    ['a shape that does not match the data', { data: new Uint8Array(5), shape: [2, 2] }, /shape \[2,2\] \(4 voxels\) but 5 values/],
    ['a 4D image', { data: new Uint8Array(1), shape: [1, 1, 1, 1] }, /2D or 3D/],
    ['no image at all', undefined, /mask must be an image/],
  ])('%s', (_name, value, pattern) => {
    expectInputError(() => pp.label(value as never), pattern);
    expectInputError(() => pp.distanceTransform(value as never), pattern);
    expectInputError(() => pp.fillHoles(value as never), pattern);
  });
});

describe('otsuThreshold', () => {
  test('an empty image has no threshold', () => expectInputError(() => pp.otsuThreshold(empty2d()), /otsuThreshold\(\): image is empty/));
  test('NaN is refused', () => expectInputError(() => pp.otsuThreshold(img([0, NaN], [1, 2], Float32Array)), /non-finite value \(NaN\)/));
  test('bins must be an integer ≥ 2', () => expectInputError(() => pp.otsuThreshold(full(), { bins: 1 }), /bins must be an integer ≥ 2/));
  test('one object touching every border: a constant image returns its value', () => expect(pp.otsuThreshold(full())).toBe(1));
});

describe('medianFilter', () => {
  test('size per axis must match the dimensions', () => expectInputError(() => pp.medianFilter(full(), { size: [3, 3, 3] }), /size must be a positive integer or 2 of them/));
  test('unknown mode', () => expectInputError(() => pp.medianFilter(full(), { mode: 'edge' as never }), /mode must be one of reflect/));
  test('an empty image gives an empty image', () => expect(pp.medianFilter(empty2d()).data).toHaveLength(0));
});

describe('label', () => {
  test('connectivity beyond the dimensions', () => expectInputError(() => pp.label(full(), { connectivity: 3 }), /connectivity must be an integer from 1 \(faces\) to 2/));
  test('empty and all-background images have zero objects', () => {
    expect(pp.label(empty2d()).data).toHaveLength(0);
    expect(Math.max(0, ...pp.label(zeros([3, 3])).data)).toBe(0);
  });
  test('one object touching every border is one object', () => expect(new Set(pp.label(full()).data)).toEqual(new Set([1])));
});

describe('distanceTransform', () => {
  test('spacing must have one positive value per axis', () => {
    expectInputError(() => pp.distanceTransform(full(), { spacing: [1, 1, 1] }), /spacing must be 2 positive numbers/);
    expectInputError(() => pp.distanceTransform(full(), { spacing: [0, 1] }), /spacing must be 2 positive numbers/);
  });
  test('no background at all: every distance is +Infinity, never NaN', () => {
    expect(Array.from(pp.distanceTransform(full([2, 2, 2])).data)).toEqual(new Array(8).fill(Infinity));
  });
  test('an empty image gives an empty image', () => expect(pp.distanceTransform(empty2d()).data).toHaveLength(0));
});

describe('watershed', () => {
  const image = img([0, 1, 2, 3], [2, 2], Float32Array);
  test('markers of another shape', () => expectInputError(() => pp.watershed(image, zeros([2, 3]), null), /markers has shape \[2,3\] but image has shape \[2,2\]/));
  test('a mask of another shape', () => expectInputError(() => pp.watershed(image, zeros([2, 2]), zeros([4, 1], Uint8Array)), /mask has shape \[4,1\]/));
  test('float markers', () => expectInputError(() => pp.watershed(image, img([1, 0, 0, 0], [2, 2], Float32Array), null), /markers must hold integer labels/));
  test('negative markers', () => expectInputError(() => pp.watershed(image, img([-1, 0, 0, 0], [2, 2]), null), /markers holds a negative label \(-1\)/));
  test('NaN where the flood must go', () => {
    expectInputError(() => pp.watershed(img([0, NaN, 0, 0], [2, 2], Float32Array), img([1, 0, 0, 0], [2, 2]), null), /image holds NaN inside the mask/);
  });
  test('no marker: nothing is labelled; one marker floods an object touching every border', () => {
    expect(Array.from(pp.watershed(image, zeros([2, 2]), null).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(pp.watershed(image, img([0, 0, 0, 5], [2, 2]), full([2, 2])).data)).toEqual([5, 5, 5, 5]);
  });
  test('empty image', () => expect(pp.watershed(empty2d(), empty2d(), null).data).toHaveLength(0));
});

describe('voronoi', () => {
  test('float labels', () => expectInputError(() => pp.voronoi(img([1.5, 0], [1, 2], Float32Array), null), /voronoi\(\): labels must hold integer labels/));
  test('negative labels', () => expectInputError(() => pp.voronoi(img([-2, 0], [1, 2]), null), /labels holds a negative label/));
  test('a mask of another shape', () => expectInputError(() => pp.voronoi(zeros([2, 2]), zeros([2, 3], Uint8Array)), /mask has shape \[2,3\] but labels/));
  test('labels beyond the Int32 output', () => expectInputError(() => pp.voronoi(img([3e9, 0], [1, 2], Uint32Array), null), /label 3000000000, above the largest supported label/));
  test('no label at all: zeros; empty image: empty', () => {
    expect(Array.from(pp.voronoi(zeros([2, 2]), null).data)).toEqual([0, 0, 0, 0]);
    expect(pp.voronoi(empty2d(), null).data).toHaveLength(0);
  });
});

describe('peakLocalMax', () => {
  test('NaN', () => expectInputError(() => pp.peakLocalMax(img([NaN, 1], [1, 2], Float32Array)), /image holds NaN/));
  test('negative minDistance', () => expectInputError(() => pp.peakLocalMax(full(), { minDistance: -1 }), /minDistance must be an integer ≥ 0/));
  test('empty and constant images have no peak', () => {
    expect(pp.peakLocalMax(empty2d())).toEqual([]);
    expect(pp.peakLocalMax(full(), { excludeBorder: false })).toEqual([]);
  });
});

describe('suppressClosePoints', () => {
  test('not a point list', () => expectInputError(() => pp.suppressClosePoints('1,2' as never, { radius: 1 }), /points must be a list of points/));
  test('a point with the wrong number of coordinates', () => expectInputError(() => pp.suppressClosePoints([[1, 2], [3]], { radius: 1 }), /points\[1\] must be 2 coordinates/));
  test('scores of another length', () => expectInputError(() => pp.suppressClosePoints([[1, 2]], { radius: 1, scores: [1, 2] }), /scores has 2 values for 1 points/));
  test('negative radius', () => expectInputError(() => pp.suppressClosePoints([[1, 2]], { radius: -1 }), /radius must be a finite number ≥ 0/));
  test('no points', () => expect(pp.suppressClosePoints([], { radius: 3 })).toEqual([]));
});

describe('label-image functions refuse floats and negatives, accept empty images', () => {
  const float = img([1, 0], [1, 2], Float32Array);
  const negative = img([1, -3], [1, 2]);
  test.each([
    ['removeSmallObjects', (x: never) => pp.removeSmallObjects(x, { minSize: 2 })],
    ['fillLabelHoles', (x: never) => pp.fillLabelHoles(x)],
    ['clearBorder', (x: never) => pp.clearBorder(x)],
    ['findBoundaries', (x: never) => pp.findBoundaries(x)],
    ['regionProps', (x: never) => pp.regionProps(x)],
  ])('%s', (name, run) => {
    expectInputError(() => run(float as never), new RegExp(`${name}\\(\\): labels must hold integer labels`));
    expectInputError(() => run(negative as never), new RegExp(`${name}\\(\\): labels holds a negative label \\(-3\\)`));
    expect(() => run(empty2d() as never)).not.toThrow();
  });
  test('one object touching every border', () => {
    expect(Array.from(pp.removeSmallObjects(full(), { minSize: 21 }).data)).toEqual(new Array(20).fill(0));
    expect(Array.from(pp.clearBorder(full()).data)).toEqual(new Array(20).fill(0));
    expect(Array.from(pp.fillHoles(full()).data)).toEqual(new Array(20).fill(1));
    expect(Array.from(pp.findBoundaries(full()).data)).toEqual(new Array(20).fill(0));
    expect(pp.regionProps(full())).toEqual([{ label: 1, area: 20, centroid: [1.5, 2], bbox: [0, 0, 4, 5], perimeter: expect.any(Number) }]);
  });
  test('removeSmallObjects needs minSize', () => expectInputError(() => pp.removeSmallObjects(full(), {} as never), /minSize must be a finite number ≥ 0/));
  test('findBoundaries: unknown mode', () => expectInputError(() => pp.findBoundaries(full(), { mode: 'subpixel' as never }), /mode must be one of thick, inner, outer/));
});

describe('volumes one plane thick ([1, y, x]): every voxel is on the z faces', () => {
  test('watershed, findBoundaries and fillHoles as skimage / scipy', () => {
    const markers = { data: Int32Array.from([0, 0, 0, 0, 4, 0, 0, 0, 0]), shape: [1, 3, 3] };
    expect(Array.from(pp.watershed(zeros([1, 3, 3], Float32Array), markers, null).data)).toEqual(new Array(9).fill(4));
    const labels = { data: Int32Array.from([1, 1, 0, 1, 1, 0, 0, 0, 2]), shape: [1, 3, 3] };
    expect(Array.from(pp.findBoundaries(labels).data)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1]);
    const ring = { data: Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1, 1]), shape: [1, 3, 3] };
    expect(Array.from(pp.fillHoles(ring).data)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1]);
  });
});

describe('metrics', () => {
  test('iou: shapes must match, labels must be integers', () => {
    expectInputError(() => pp.iou(zeros([2, 2]), zeros([2, 3])), /iou\(\): prediction has shape \[2,3\] but groundTruth has shape \[2,2\]/);
    expectInputError(() => pp.iou(zeros([1, 2], Float32Array), zeros([1, 2])), /groundTruth must hold integer labels/);
    expect(pp.iou(empty2d(), empty2d())).toEqual({});
    expect(pp.iou(zeros([2, 2]), zeros([2, 2]), { classes: [1] })).toEqual({ '1': null });
    expectInputError(() => pp.iou(zeros([2, 2]), zeros([2, 2]), { classes: [-1] }), /classes must be a list of non-negative integer class values/);
  });
  test('IouAccumulator: every image is checked; nothing added pools to nothing', () => {
    const acc = new pp.IouAccumulator();
    expect(acc.result()).toEqual({});
    expectInputError(() => acc.add(zeros([2, 2]), zeros([3, 2])), /IouAccumulator\.add\(\): prediction has shape \[3,2\]/);
  });
  test('matchingStats: shapes, floats, negatives, thresholds, criterion', () => {
    expectInputError(() => pp.matchingStats(zeros([2, 2]), zeros([2, 3])), /matchingStats\(\): prediction has shape/);
    expectInputError(() => pp.matchingStats(zeros([1, 2]), zeros([1, 2], Float64Array)), /prediction must hold integer labels/);
    expectInputError(() => pp.matchingStats(img([0, -1], [1, 2]), zeros([1, 2])), /groundTruth holds a negative label \(-1\)/);
    expectInputError(() => pp.matchingStats(zeros([1, 2]), zeros([1, 2]), { thresholds: [] }), /thresholds must be a non-empty list/);
    expectInputError(() => pp.matchingStats(zeros([1, 2]), zeros([1, 2]), { criterion: 'dice' as never }), /criterion must be one of iou, iot, iop/);
  });
  test('matchingStats on empty images and on one object touching every border: defined numbers', () => {
    const e = pp.matchingStats(empty2d(), empty2d(), { thresholds: [0.5] })['0.5'];
    expect(e).toMatchObject({ tp: 0, fp: 0, fn: 0, n_true: 0, n_pred: 0, precision: 0, f1: 0, panoptic_quality: 0 });
    const f = pp.matchingStats(full(), full(), { thresholds: [0.5] })['0.5'];
    expect(f).toMatchObject({ tp: 1, f1: 1, mean_matched_score: 1 });
    const onlyPred = pp.matchingStats(zeros([4, 5]), full(), { thresholds: [0.5] });
    expect(onlyPred['0.5']).toMatchObject({ tp: 0, fp: 1, fn: 0 });
    noNaN([e, f, onlyPred]);
  });
  test('matchingStatsDataset: a list of results with the same thresholds', () => {
    expectInputError(() => pp.matchingStatsDataset('x' as never), /perImage must be a list/);
    const a = pp.matchingStats(full(), full(), { thresholds: [0.5] });
    const b = pp.matchingStats(full(), full(), { thresholds: [0.3] });
    expectInputError(() => pp.matchingStatsDataset([a, b]), /perImage\[1\] has no complete result for threshold "0.5"/);
    expect(pp.matchingStatsDataset([])).toEqual({});
  });
  test('detectionMatching: dimensions, coordinates, tolerance; empty lists give null ratios', () => {
    expectInputError(() => pp.detectionMatching([[0, 0]], [[0, 0, 0]], { tolerance: 1 }), /groundTruth has 2D points but prediction has 3D points/);
    expectInputError(() => pp.detectionMatching([[0, NaN]], [], { tolerance: 1 }), /groundTruth holds a non-finite coordinate/);
    expectInputError(() => pp.detectionMatching([], [], { tolerance: -1 }), /tolerance must be a finite number ≥ 0/);
    expect(pp.detectionMatching([], [], { tolerance: 3 })).toEqual({ tp: 0, fp: 0, fn: 0, precision: null, recall: null, f1: null });
    expect(pp.detectionMatching([], [[1, 1]], { tolerance: 3 })).toEqual({ tp: 0, fp: 1, fn: 0, precision: 0, recall: null, f1: 0 });
    expectInputError(() => pp.detectionMatchingDataset([{ tp: 1 } as never]), /perImage\[0\] is not a detectionMatching\(\) result/);
  });
  test('classificationMetrics: lengths, indices, classes; no samples gives null', () => {
    expectInputError(() => pp.classificationMetrics([0, 1], [0], { classes: 2 }), /trueIndices has 2 entries but predictedIndices has 1/);
    expectInputError(() => pp.classificationMetrics([0, 2], [0, 1], { classes: 2 }), /trueIndices\[1\] is 2, not a class index from 0 to 1/);
    expectInputError(() => pp.classificationMetrics([0], [0], { classes: 0 }), /classes must be a positive count or a non-empty list/);
    const r = pp.classificationMetrics([], [], { classes: ['a', 'b'] });
    expect(r).toMatchObject({ accuracy: null, macro_f1: null, precision: { a: null, b: null } });
  });
});
