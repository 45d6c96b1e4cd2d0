import { channelsFirstPerm, channelsLastPerm, transpose } from '@biaflow/engine-onnx';
import { seededUniform } from './helpers';

/** Reference: each output element found by explicit index arithmetic. */
function naiveTranspose(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const out = new Float32Array(data.length);
  const index = (idx: number[], s: number[]) => idx.reduce((a, v, i) => a * s[i] + v, 0);
  for (let o = 0; o < out.length; o++) {
    const outIdx: number[] = [];
    let r = o;
    for (let a = outShape.length - 1; a >= 0; a--) {
      outIdx[a] = r % outShape[a];
      r = Math.floor(r / outShape[a]);
    }
    const inIdx = Array<number>(shape.length);
    perm.forEach((p, i) => (inIdx[p] = outIdx[i]));
    out[o] = data[index(inIdx, shape)];
  }
  return out;
}

describe('transpose', () => {
  const cases: [number[], number[]][] = [
    [[2, 3], [1, 0]],
    [[2, 5, 4, 3], channelsFirstPerm(4)],
    [[2, 3, 5, 4], channelsLastPerm(4)],
    [[1, 3, 4, 2, 5], channelsFirstPerm(5)],
    [[3, 3, 2, 4], [3, 2, 0, 1]],
    [[2, 2, 2, 3, 4], [4, 3, 0, 1, 2]],
    [[7], [0]],
  ];
  test.each(cases)('shape %j, perm %j matches index arithmetic', (shape, perm) => {
    const u = seededUniform(shape.length);
    const data = Float32Array.from({ length: shape.reduce((a, v) => a * v, 1) }, () => u());
    expect(Array.from(transpose(data, shape, perm))).toEqual(Array.from(naiveTranspose(data, shape, perm)));
  });

  test('channels first then last is the identity', () => {
    const shape = [2, 3, 4, 5, 6];
    const data = Float32Array.from({ length: 720 }, (_, i) => i);
    const first = transpose(data, shape, channelsFirstPerm(5));
    expect(Array.from(transpose(first, [2, 6, 3, 4, 5], channelsLastPerm(5)))).toEqual(Array.from(data));
  });

  test('rejects a non-permutation and a size mismatch', () => {
    expect(() => transpose(new Float32Array(6), [2, 3], [0, 0])).toThrow(/not a permutation/);
    expect(() => transpose(new Float32Array(5), [2, 3], [1, 0])).toThrow(/5 values for shape \[2,3\]/);
  });
});
