import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readNpy, readNpyHeader, writeNpy, dtypeOf, type NdArray } from '@biaflow/bioimageio';
import { EXAMPLE, expectBioimageioError } from './helpers';

// Expected bytes and figures below were produced by numpy 2.4 (np.save / np.load), not by this package.
const NUMPY_INT16_2x3 =
  '934e554d5059010076007b276465736372273a20273c6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0100feff030004000500faff';
const NUMPY_BIG_ENDIAN_INT32 =
  '934e554d5059010076007b276465736372273a20273e6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028362c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000000100000002000000030000000400000005';
const NUMPY_BOOL_3 =
  '934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a010001';
const NUMPY_INT64 =
  '934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000010000fdffffffffffffff';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('.npy', () => {
  it('reads the example test input as numpy does', () => {
    const a = readNpy(new Uint8Array(fs.readFileSync(path.join(EXAMPLE, 'test_input.npy'))));
    expect(a.shape).toEqual([1, 1, 512, 512]);
    expect(dtypeOf(a)).toBe('float32');
    expect(Array.from(a.data.subarray(0, 4) as Float32Array)).toEqual([145, 148, 145, 140]);
    expect(Array.from(a.data.subarray(512 * 512 - 3) as Float32Array)).toEqual([154, 149, 148]);
    let sum = 0;
    for (const v of a.data as Float32Array) sum += v;
    expect(sum).toBe(67139004);
  });

  it('writes byte for byte what np.save writes', () => {
    const a: NdArray = { data: Int16Array.from([1, -2, 3, 4, 5, -6]), shape: [2, 3] };
    expect(Buffer.from(writeNpy(a)).toString('hex')).toBe(NUMPY_INT16_2x3);
    const f: NdArray = { data: Float64Array.from([0, 1, 2, 3, 4, 5]), shape: [3, 2] };
    expect(createHash('sha256').update(writeNpy(f)).digest('hex')).toBe('a6f8e25cb46fbd21a0f59c8c0b967c28671519528a412e4993b64a6361b71e50');
    expect(Buffer.from(writeNpy({ data: Uint8Array.from([1, 0, 1]), shape: [3], dtype: 'bool' })).toString('hex')).toBe(NUMPY_BOOL_3);
    expect(Buffer.from(writeNpy({ data: BigInt64Array.from([2n ** 40n, -3n]), shape: [2] })).toString('hex')).toBe(NUMPY_INT64);
  });

  it('round-trips every dtype, shape and value', () => {
    const cases: NdArray[] = [
      { data: Float32Array.from([1.5, -2.25, 3e-8, Infinity]), shape: [2, 2] },
      { data: Float64Array.from([Math.PI, -1e300]), shape: [2] },
      { data: Uint8Array.from([0, 255, 7]), shape: [3, 1] },
      { data: Int8Array.from([-128, 127]), shape: [1, 2] },
      { data: Uint16Array.from([65535, 1]), shape: [2] },
      { data: Int16Array.from([-32768, 5]), shape: [2] },
      { data: Uint32Array.from([4294967295]), shape: [1] },
      { data: Int32Array.from([-2147483648, 9, 10, 11]), shape: [1, 1, 2, 2] },
      { data: BigUint64Array.from([2n ** 63n]), shape: [1] },
      { data: Uint8Array.from([1, 0]), shape: [2], dtype: 'bool' },
      { data: Float32Array.from([42]), shape: [] }
    ];
    for (const a of cases) {
      const back = readNpy(writeNpy(a));
      expect(back.shape).toEqual(a.shape);
      expect(dtypeOf(back)).toBe(dtypeOf(a));
      expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(a.data as ArrayLike<number>));
    }
  });

  it('reads numpy int64, bool and big-endian files', () => {
    const i64 = readNpy(hex(NUMPY_INT64));
    expect(Array.from(i64.data as BigInt64Array)).toEqual([2n ** 40n, -3n]);
    const b = readNpy(hex(NUMPY_BOOL_3));
    expect(dtypeOf(b)).toBe('bool');
    expect(Array.from(b.data as Uint8Array)).toEqual([1, 0, 1]);
    const be = readNpy(hex(NUMPY_BIG_ENDIAN_INT32));
    expect(dtypeOf(be)).toBe('int32');
    expect(Array.from(be.data as Int32Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads data that sits at an odd offset in a larger buffer', () => {
    const bytes = writeNpy({ data: Float32Array.from([1, 2, 3]), shape: [3] });
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes, 1);
    expect(Array.from(readNpy(padded.subarray(1)).data as Float32Array)).toEqual([1, 2, 3]);
  });

  it('refuses Fortran order, object arrays and broken files with a clear message', () => {
    const header = (descr: string, fortran: string, shape: string) => {
      const text = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`.padEnd(117, ' ') + '\n';
      const out = new Uint8Array(10 + text.length + 24);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, text.length, true);
      out.set(Buffer.from(text, 'latin1'), 10);
      return out;
    };
    expect(expectBioimageioError(() => readNpy(header('<f4', 'True', '(2, 3)'), 'a.npy')).message).toMatch(/^a\.npy: Fortran-order arrays are not read/);
    expect(expectBioimageioError(() => readNpy(header('|O', 'False', '(3,)'), 'b.npy')).message).toMatch(/^b\.npy: object arrays \(dtype 'O'\) cannot be read/);
    expect(expectBioimageioError(() => readNpy(header('<f2', 'False', '(3,)'), 'c.npy')).message).toMatch(/unsupported \.npy dtype '<f2'/);
    expect(expectBioimageioError(() => readNpy(header('<f8', 'False', '(100,)'), 'd.npy')).message).toMatch(/truncated \.npy data: shape \(100\) of float64 needs 800 bytes, the file holds 24/);
    expect(expectBioimageioError(() => readNpy(Buffer.from('PK\u0003\u0004 not numpy'), 'e.npy')).message).toMatch(/^e\.npy: not a \.npy file/);
    expect(readNpyHeader(header('<i4', 'False', '(2, 3)')).shape).toEqual([2, 3]);
  });
});
