import { toFloat64 } from '../../ndarray';
import { KwargsReader, alongAxis, floatOutput, type ProcessingOp } from '../step-context';

/** `x * gain + offset`: scalars, or lists along `axis`. */
export const scaleLinear: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  const gain = k.numbers('gain', 1);
  const offset = k.numbers('offset', 0);
  let gainAt: (i: number) => number;
  let offsetAt: (i: number) => number;
  if (k.has('axis')) {
    const a = k.axisIndex('axis', k.string('axis'), axes);
    gainAt = alongAxis(Array.isArray(gain) ? gain : [gain], x, a, 'gain', k);
    offsetAt = alongAxis(Array.isArray(offset) ? offset : [offset], x, a, 'offset', k);
  } else {
    if (Array.isArray(gain) || Array.isArray(offset)) k.fail('axis', 'lists of gain/offset values need `axis` (the axis they run along)');
    const g = gain as number;
    const o = offset as number;
    gainAt = () => g;
    offsetAt = () => o;
  }
  const v = toFloat64(x);
  const out = floatOutput(x);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * gainAt(i) + offsetAt(i);
  return { data: out, shape: [...x.shape] };
};
