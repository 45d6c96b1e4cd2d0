import { ImageError, fromModelLayout, toModelLayout, transpose, type Image } from '@biaflow/image';

/** An image whose value at each index is the index itself, so every move can be checked by hand. */
function iota(shape: number[], axes: string): Image<Uint16Array> {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Uint16Array.from({ length: n }, (_, i) => i), shape, axes, dtype: 'uint16', spacing: shape.map(() => null) };
}

describe('toModelLayout', () => {
  it('keeps YX grey images as [y, x, 1] without copying', () => {
    const img = iota([3, 4], 'YX');
    const m = toModelLayout(img, 2);
    expect(m.shape).toEqual([3, 4, 1]);
    expect(m.data).toBe(img.data);
  });

  it('moves C last: CYX → [y, x, c]', () => {
    const img = iota([2, 3, 4], 'CYX');
    const m = toModelLayout(img, 2);
    expect(m.shape).toEqual([3, 4, 2]);
    // m[y][x][c] == img[c][y][x] == c*12 + y*4 + x
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 4; x++) for (let c = 0; c < 2; c++) expect(m.data[(y * 4 + x) * 2 + c]).toBe(c * 12 + y * 4 + x);
    expect(m.data).toBeInstanceOf(Uint16Array);
  });

  it('ImageJ ZCYX → [z, y, x, c]', () => {
    const img = iota([2, 3, 4, 5], 'ZCYX');
    const m = toModelLayout(img, 3);
    expect(m.shape).toEqual([2, 4, 5, 3]);
    for (let z = 0; z < 2; z++)
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 5; x++)
          for (let c = 0; c < 3; c++) expect(m.data[((z * 4 + y) * 5 + x) * 3 + c]).toBe(((z * 3 + c) * 4 + y) * 5 + x);
  });

  it('drops axes of length 1 (a single time point, a single plane for 2D)', () => {
    expect(toModelLayout(iota([1, 1, 3, 4], 'TZYX'), 2).shape).toEqual([3, 4, 1]);
    expect(toModelLayout(iota([1, 2, 3, 4], 'TZYX'), 3).shape).toEqual([2, 3, 4, 1]);
  });

  it('RGB YXS stays as it is; C and S together become C×S channels', () => {
    const rgb = iota([3, 4, 3], 'YXS');
    expect(toModelLayout(rgb, 2)).toEqual({ data: rgb.data, shape: [3, 4, 3] });
    expect(toModelLayout(iota([2, 3, 4, 3], 'CYXS'), 2).shape).toEqual([3, 4, 6]);
  });

  it.each([
    [[3, 2, 4], 'TYX', 2, /3 time points/],
    [[5, 4, 4], 'ZYX', 2, /3D stack of 5 planes but the workflow is 2D/],
    [[4, 4], 'YX', 3, /is 2D but the workflow is 3D/],
    [[4, 4, 2], 'YXQ', 2, /contain 'Q'/],
    [[4, 4], 'YY', 2, /repeat a letter/],
    [[4, 4, 4], 'YX', 2, /name 2 axes but the array has 3 dimensions/],
  ] as const)('refuses shape %j axes %s for a %dD model', (shape, axes, ndim, message) => {
    const img = iota([...shape], axes);
    expect(() => toModelLayout(img, ndim, 'x.tif')).toThrow(ImageError);
    expect(() => toModelLayout(img, ndim, 'x.tif')).toThrow(message);
  });
});

describe('fromModelLayout', () => {
  it.each([
    [[3, 4], 'YX', 2],
    [[2, 3, 4], 'CYX', 2],
    [[2, 3, 4, 5], 'ZCYX', 3],
    [[1, 2, 3, 4, 2], 'TZYXC', 3],
    [[3, 4, 3], 'YXS', 2],
    [[2, 3, 4, 3], 'CYXS', 2],
  ] as const)('inverts toModelLayout for %j %s', (shape, axes, ndim) => {
    const img = iota([...shape], axes);
    const back = fromModelLayout(toModelLayout(img, ndim), img);
    expect(back.shape).toEqual(img.shape);
    expect(back.axes).toBe(axes);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('puts a new channel count into the original C axis, or a new C axis right before Y', () => {
    const pred = { data: new Float32Array(2 * 3 * 4 * 3), shape: [2, 3, 4, 3] }; // z y x c=3
    expect(fromModelLayout(pred, { axes: 'ZYX', shape: [2, 3, 4] })).toMatchObject({ axes: 'ZCYX', shape: [2, 3, 3, 4] });
    expect(fromModelLayout(pred, { axes: 'ZCYX', shape: [2, 1, 3, 4] })).toMatchObject({ axes: 'ZCYX', shape: [2, 3, 3, 4] });
    const one = { data: new Float32Array(12), shape: [3, 4, 1] };
    expect(fromModelLayout(one, { axes: 'YX', shape: [3, 4] })).toMatchObject({ axes: 'YX', shape: [3, 4] });
    expect(fromModelLayout(one, { axes: 'TYX', shape: [1, 3, 4] })).toMatchObject({ axes: 'TYX', shape: [1, 3, 4] });
  });

  it('refuses a 3D result for a 2D original and a bad array shape', () => {
    expect(() => fromModelLayout({ data: new Float32Array(24), shape: [2, 3, 4, 1] }, { axes: 'YX', shape: [3, 4] })).toThrow(ImageError);
    expect(() => fromModelLayout({ data: new Float32Array(12), shape: [12] }, { axes: 'YX', shape: [3, 4] })).toThrow(/channels-last/);
  });
});

describe('transpose', () => {
  it('matches index arithmetic for a 4-D permutation', () => {
    const shape = [2, 3, 4, 5];
    const a = { data: Int32Array.from({ length: 120 }, (_, i) => i), shape };
    const perm = [2, 0, 3, 1];
    const t = transpose(a, perm);
    expect(t.shape).toEqual([4, 2, 5, 3]);
    const stride = [60, 20, 5, 1];
    let o = 0;
    for (let i0 = 0; i0 < 4; i0++)
      for (let i1 = 0; i1 < 2; i1++)
        for (let i2 = 0; i2 < 5; i2++)
          for (let i3 = 0; i3 < 3; i3++) {
            const idx = [0, 0, 0, 0];
            [i0, i1, i2, i3].forEach((v, k) => (idx[perm[k]] = v));
            expect(t.data[o++]).toBe(idx.reduce((s, v, k) => s + v * stride[k], 0));
          }
  });
});
