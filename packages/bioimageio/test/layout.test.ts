import { fromModelLayout, toModelLayout, transpose, spatialAxes, readModelPackage, type NdArray } from '@biaflow/bioimageio';
import { EXAMPLE, expectBioimageioError, values } from './helpers';

/** A tensor whose value at each position encodes its (batch, z, y, x, channel) coordinates. */
function coded(order: string, sizes: Record<string, number>): NdArray {
  const shape = [...order].map((a) => sizes[a]);
  const n = shape.reduce((p, s) => p * s, 1);
  const data = new Float32Array(n);
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    const at: Record<string, number> = { b: 0, z: 0, y: 0, x: 0, c: 0 };
    [...order].forEach((a, k) => (at[a] = idx[k]));
    data[i] = at.b * 10000 + at.z * 1000 + at.y * 100 + at.x * 10 + at.c;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return { data, shape };
}

const sizes = { b: 2, z: 3, y: 4, x: 5, c: 2 };

describe('axes ↔ model layout [b, (z), y, x, c]', () => {
  it.each(['bcyx', 'byxc', 'bczyx', 'bzyxc', 'cyx', 'yxc', 'yx', 'bxyc', 'czyx', 'xy'])('%s: every value lands at its coordinates and comes back', (order) => {
    const t = coded(order, sizes);
    const m = toModelLayout(t, order);
    const spatial = ['z', 'y', 'x'].filter((a) => order.includes(a));
    const expectedShape = [order.includes('b') ? sizes.b : 1, ...spatial.map((a) => sizes[a as 'z']), order.includes('c') ? sizes.c : 1];
    expect(m.shape).toEqual(expectedShape);
    // model layout is C order over [b, ...spatial, c]: value i must encode its own coordinates
    const expected = coded(`b${spatial.join('')}c`, { ...sizes, b: expectedShape[0], c: expectedShape[expectedShape.length - 1] });
    expect(values(m)).toEqual(values(expected));
    const back = fromModelLayout(m, order);
    expect(back.shape).toEqual(t.shape);
    expect(values(back)).toEqual(values(t));
  });

  it('uses the axis descriptions of a package (bcyx for the example)', async () => {
    const { description } = await readModelPackage(EXAMPLE);
    const axes = description.inputs[0].axes;
    expect(spatialAxes(axes)).toEqual(['y', 'x']);
    const t = coded('bcyx', { ...sizes, b: 1, c: 1 });
    expect(values(toModelLayout(t, axes))).toEqual(values(coded('byxc', { ...sizes, b: 1, c: 1 })));
  });

  it('transposes bool tensors and keeps their dtype', () => {
    const t = transpose({ data: Uint8Array.from([1, 0, 0, 1, 1, 0]), shape: [2, 3], dtype: 'bool' }, [1, 0]);
    expect(t.dtype).toBe('bool');
    expect(values(t)).toEqual([1, 1, 0, 1, 0, 0]);
  });

  it('refuses time and index axes, naming the field', () => {
    const axes = [
      { type: 'batch' as const, id: 'batch', size: null },
      { type: 'time' as const, id: 'time', size: 5, halo: 0, scale: 1, unit: null, concatenable: false },
      { type: 'space' as const, id: 'x', size: 5, halo: 0, scale: 1, unit: null, concatenable: false }
    ];
    const e = expectBioimageioError(() => toModelLayout({ data: new Float32Array(25), shape: [1, 5, 5] }, axes, { field: 'inputs[0]', file: 'm/bioimageio.yaml' }));
    expect(e.message).toBe("m/bioimageio.yaml: inputs[0].axes[1].type: axis type 'time' is not supported by biaflow (batch, channel and space axes x, y, z are)");
    expect(expectBioimageioError(() => toModelLayout({ data: new Float32Array(4), shape: [2, 2] }, 'ty')).field).toBeUndefined();
  });

  it('refuses a dropped batch or channel axis of size > 1 and a wrong rank', () => {
    expect(expectBioimageioError(() => fromModelLayout({ data: new Float32Array(8), shape: [2, 2, 2, 1] }, 'cyx')).message).toMatch(/no batch axis, so the batch size must be 1, got 2/);
    expect(expectBioimageioError(() => fromModelLayout({ data: new Float32Array(8), shape: [1, 2, 2, 2] }, 'byx')).message).toMatch(/no channel axis, so there must be 1 channel, got 2/);
    expect(expectBioimageioError(() => toModelLayout({ data: new Float32Array(8), shape: [2, 2, 2] }, 'bcyx')).message).toMatch(/tensor has 3 dimensions \[2, 2, 2\], 4 axes are declared/);
  });
});
