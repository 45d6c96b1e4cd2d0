import { allocate, dtypeOf, isDType, DTYPES, type NdArray } from '../../ndarray';
import { KwargsReader, type ProcessingOp } from '../step-context';
import { quote } from '../../printable';

/**
 * Cast to `dtype` (numpy's `astype`): floats to integers truncate toward zero, NaN becomes 0,
 * anything non-zero becomes true for `bool`. Out-of-range values wrap as in C (numpy leaves them
 * undefined); clip first when that matters.
 */
export const ensureDtype: ProcessingOp = (x, _axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  const dtype = k.string('dtype');
  if (!isDType(dtype)) return k.fail('dtype', `unknown dtype ${quote(dtype)} (${DTYPES.join(', ')})`);
  return castTo(x, dtype);
};

export function castTo(x: NdArray, dtype: ReturnType<typeof dtypeOf>): NdArray {
  if (dtypeOf(x) === dtype) return x;
  const out = allocate(dtype, x.data.length);
  const src = x.data;
  const n = src.length;
  const float = dtype === 'float32' || dtype === 'float64';
  if (dtype === 'int64' || dtype === 'uint64') {
    const o = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      o[i] = typeof v === 'bigint' ? v : BigInt(Number.isFinite(v) ? Math.trunc(v) : 0);
    }
  } else if (dtype === 'bool') {
    const o = out as Uint8Array;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      // NaN !== 0: numpy casts NaN to True as well
      o[i] = (typeof v === 'bigint' ? v !== 0n : v !== 0) ? 1 : 0;
    }
  } else {
    const o = out as Exclude<typeof out, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < n; i++) {
      const raw = src[i];
      const v = typeof raw === 'bigint' ? Number(raw) : raw;
      o[i] = float ? v : Number.isFinite(v) ? Math.trunc(v) : 0;
    }
  }
  const result: NdArray = { data: out, shape: [...x.shape] };
  if (dtype === 'bool') result.dtype = 'bool';
  return result;
}
