import { augmentSection, type AugmentSettings } from '@biaflow/core/internals';
import { augmentSample, flip, rot90, type NdArray } from '@biaflow/image';

/** Settings with every augmentation off, then the given ones switched on. */
function only(overrides: Record<string, Record<string, unknown>>): AugmentSettings {
  const off = Object.fromEntries(
    ['flip', 'rot90', 'rotate', 'zoom', 'elastic', 'gamma', 'brightness', 'contrast', 'blur', 'gaussian_noise', 'poisson_noise', 'cutout'].map((k) => [
      k,
      { probability: 0 },
    ]),
  );
  return augmentSection.parse({ ...off, ...overrides });
}

/**
 * A smooth image of Gaussian blobs (objects of radius ≈ 1.2·sigma at the threshold) and its label: the threshold of the image.
 * Nearest-value labels and interpolated images can only disagree in a band along object borders
 * (measured: 0.25 px per border pixel, the rounding limit of nearest-value resampling), so objects
 * of cell-like size (radius ~15 px in 2D, ~24 px in 3D) are used. The control test below shows a
 * one-pixel misalignment on the same data falls below 99%.
 * Test-side generator, independent of the code under test.
 */
function blobs(shape: number[], count: number, seed: number, sigma = 6): { image: NdArray<Float32Array>; label: NdArray<Uint8Array> } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const is3d = shape.length === 3;
  const [Z, Y, X] = is3d ? shape : [1, ...shape];
  const centres = Array.from({ length: count }, () => [rand() * Z, rand() * Y, rand() * X]);
  const image = new Float32Array(Z * Y * X);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        let v = 0;
        for (const [cz, cy, cx] of centres) v += Math.exp(-(((z - cz) * (is3d ? 1 : 0)) ** 2 + (y - cy) ** 2 + (x - cx) ** 2) / (2 * sigma * sigma));
        image[(z * Y + y) * X + x] = v;
      }
  const label = Uint8Array.from(image, (v) => (v > 0.5 ? 1 : 0));
  return { image: { data: image, shape: [...shape, 1] }, label: { data: label, shape } };
}

function agreement(image: NdArray, label: NdArray): number {
  let same = 0;
  for (let i = 0; i < label.data.length; i++) if ((image.data[i] > 0.5 ? 1 : 0) === label.data[i]) same++;
  return same / label.data.length;
}

const GEOMETRIC: [string, Record<string, Record<string, unknown>>][] = [
  ['flips', { flip: { probability: 1 } }],
  ['rot90', { rot90: { probability: 1 } }],
  ['rotation', { rotate: { probability: 1, degrees: [-180, 180] } }],
  ['zoom', { zoom: { probability: 1, range: [0.7, 1.4], in_z: true } }],
  ['elastic', { elastic: { probability: 1, alpha: 6, sigma: 5 } }],
  [
    'all geometric at once',
    { flip: { probability: 1 }, rot90: { probability: 1 }, rotate: { probability: 1 }, zoom: { probability: 1 }, elastic: { probability: 1, alpha: 5 } },
  ],
];

describe('augmentation keeps image and label aligned', () => {
  test.each(GEOMETRIC)('2D: %s', (_name, settings) => {
    const { image, label } = blobs([128, 128], 6, 3, 12);
    const seen: string[] = [];
    for (let seed = 0; seed < 5; seed++) {
      const applied: string[] = [];
      const out = augmentSample({ image, label }, only(settings), seed, 2, applied);
      seen.push(...applied);
      expect(out.label!.data).toBeInstanceOf(Uint8Array);
      expect(out.label!.shape).toEqual([128, 128]);
      expect(agreement(out.image, out.label!)).toBeGreaterThanOrEqual(0.99);
    }
    expect(seen.length).toBeGreaterThan(0);
  });

  test.each(GEOMETRIC)('3D: %s', (_name, settings) => {
    const { image, label } = blobs([32, 64, 64], 2, 5, 20);
    for (let seed = 0; seed < 3; seed++) {
      const out = augmentSample({ image, label }, only(settings), seed, 3);
      expect(out.image.shape).toEqual([32, 64, 64, 1]);
      expect(agreement(out.image, out.label!)).toBeGreaterThanOrEqual(0.99);
    }
  });

  test('control: the same data shifted by one pixel falls below 99%, so the bound detects misalignment', () => {
    const { image, label } = blobs([128, 128], 6, 3, 12);
    const shifted = { data: new Uint8Array(label.data.length), shape: label.shape };
    for (let y = 0; y < 128; y++) for (let x = 1; x < 128; x++) shifted.data[y * 128 + x] = label.data[y * 128 + x - 1];
    expect(agreement(image, shifted)).toBeLessThan(0.99);
    const volume = blobs([32, 64, 64], 2, 5, 20);
    const shifted3 = { data: new Uint8Array(volume.label.data.length), shape: volume.label.shape };
    for (let i = 1; i < shifted3.data.length; i++) shifted3.data[i] = (i % 64 === 0 ? 0 : volume.label.data[i - 1]);
    expect(agreement(volume.image, shifted3)).toBeLessThan(0.99);
  });

  test('the geometric change is real (the augmented label differs from the input)', () => {
    const { image, label } = blobs([64, 64], 12, 3);
    const out = augmentSample({ image, label }, only({ rotate: { probability: 1, degrees: [30, 60] } }), 1, 2);
    let diff = 0;
    for (let i = 0; i < label.data.length; i++) if (out.label!.data[i] !== label.data[i]) diff++;
    expect(diff / label.data.length).toBeGreaterThan(0.05);
  });

  test('labels are resampled by nearest value: instance ids never blend into new values', () => {
    const shape = [40, 40];
    const label = new Uint16Array(40 * 40);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) label[y * 40 + x] = y < 20 ? (x < 20 ? 1000 : 7) : x < 20 ? 3 : 0;
    const image = { data: Float32Array.from(label), shape: [...shape, 1] };
    const all = only({ rotate: { probability: 1 }, zoom: { probability: 1 }, elastic: { probability: 1 } });
    const out = augmentSample({ image, label: { data: label, shape } }, all, 9, 2);
    expect(out.label!.data).toBeInstanceOf(Uint16Array);
    expect(new Set(out.label!.data)).toEqual(new Set([0, 3, 7, 1000]));
  });

  test('intensity augmentations change the image only', () => {
    const { image, label } = blobs([32, 32], 4, 8);
    const settings = only({
      gamma: { probability: 1 },
      brightness: { probability: 1 },
      contrast: { probability: 1 },
      blur: { probability: 1 },
      gaussian_noise: { probability: 1 },
      poisson_noise: { probability: 1 },
    });
    const applied: string[] = [];
    const out = augmentSample({ image, label }, settings, 4, 2, applied);
    expect(applied).toHaveLength(6);
    expect(out.label!.data).toEqual(label.data);
    let diff = 0;
    for (let i = 0; i < image.data.length; i++) diff += Math.abs(out.image.data[i] - image.data[i]);
    expect(diff / image.data.length).toBeGreaterThan(1e-3);
  });

  test('cutout blanks boxes in the image, and in the label only when asked', () => {
    const image = { data: new Float32Array(30 * 30).fill(5), shape: [30, 30, 1] };
    const label = { data: new Uint8Array(30 * 30).fill(1), shape: [30, 30] };
    const keep = augmentSample({ image, label }, only({ cutout: { probability: 1, count: [2, 2], size: [0.2, 0.3], fill: 0 } }), 2, 2);
    const blanked = keep.image.data.filter((v) => v === 0).length;
    expect(blanked).toBeGreaterThan(30 * 30 * 0.03);
    expect(keep.label!.data.every((v) => v === 1)).toBe(true);
    expect(image.data.every((v) => v === 5)).toBe(true); // the input is not modified
    const both = augmentSample({ image, label }, only({ cutout: { probability: 1, count: [2, 2], size: [0.2, 0.3], apply_to_label: true } }), 2, 2);
    for (let i = 0; i < both.label!.data.length; i++) expect(both.label!.data[i] === 0).toBe(both.image.data[i] === 0);
  });
});

describe('augmentation is seeded', () => {
  const everything = augmentSection.parse({
    rotate: { probability: 0.5 },
    zoom: { probability: 0.5 },
    elastic: { probability: 0.5 },
    gamma: { probability: 0.5 },
    gaussian_noise: { probability: 0.5 },
    cutout: { probability: 0.5 },
  });
  test('same seed, same result; another seed, another result', () => {
    const { image, label } = blobs([32, 32], 5, 1);
    const a = augmentSample({ image, label }, everything, 42, 2);
    const b = augmentSample({ image, label }, everything, 42, 2);
    const c = augmentSample({ image, label }, everything, 43, 2);
    expect(b.image.data).toEqual(a.image.data);
    expect(b.label!.data).toEqual(a.label!.data);
    expect(c.image.data).not.toEqual(a.image.data);
  });

  test('each probability is honoured (about half the samples flipped at 0.5)', () => {
    const settings = only({ flip: { probability: 0.5, axes: ['x'] } });
    const image = { data: Float32Array.from([0, 1]), shape: [1, 2, 1] };
    let flipped = 0;
    for (let seed = 0; seed < 400; seed++) if (augmentSample({ image }, settings, seed, 2).image.data[0] === 1) flipped++;
    expect(flipped).toBeGreaterThan(160);
    expect(flipped).toBeLessThan(240);
  });

  test('enabled: false leaves the sample untouched', () => {
    const { image, label } = blobs([16, 16], 2, 1);
    const out = augmentSample({ image, label }, augmentSection.parse({ enabled: false }), 1, 2);
    expect(out.image.data).toEqual(image.data);
    expect(out.label).toBe(label);
  });
});

describe('exact geometric primitives', () => {
  const a = { data: Int32Array.from({ length: 2 * 3 * 4 }, (_, i) => i), shape: [2, 3, 4] };
  test('rot90 matches numpy.rot90 on the y-x plane', () => {
    // np.rot90(np.arange(6).reshape(2,3)) -> [[2,5],[1,4],[0,3]]
    const m = { data: Int32Array.from([0, 1, 2, 3, 4, 5]), shape: [2, 3] };
    const r = rot90(m, 2, 1);
    expect(r.shape).toEqual([3, 2]);
    expect(Array.from(r.data)).toEqual([2, 5, 1, 4, 0, 3]);
    const full = rot90(rot90(rot90(rot90(a, 3, 1), 3, 1), 3, 1), 3, 1);
    expect(full.data).toEqual(a.data);
  });
  test('flip along z, y and x of a volume', () => {
    expect(Array.from(flip(a, 3, 0).data.slice(0, 4))).toEqual([12, 13, 14, 15]);
    expect(Array.from(flip(a, 3, 1).data.slice(0, 4))).toEqual([8, 9, 10, 11]);
    expect(Array.from(flip(a, 3, 2).data.slice(0, 4))).toEqual([3, 2, 1, 0]);
  });
});
