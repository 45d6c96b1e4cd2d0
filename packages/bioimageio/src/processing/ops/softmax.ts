import { stridesOf, toFloat64 } from '../../ndarray';
import { KwargsReader, floatOutput, type ProcessingOp } from '../step-context';

/** Softmax along `axis` (default `channel`), shifted by the maximum so exp never overflows. */
export const softmax: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  const a = k.axisIndex('axis', k.string('axis', 'channel'), axes);
  const v = toFloat64(x);
  const out = floatOutput(x);
  const size = x.shape[a];
  const stride = stridesOf(x.shape)[a];
  const outer = v.length / (size * stride);
  for (let o = 0; o < outer; o++) {
    for (let inner = 0; inner < stride; inner++) {
      const base = o * size * stride + inner;
      let max = -Infinity;
      for (let j = 0; j < size; j++) max = Math.max(max, v[base + j * stride]);
      let sum = 0;
      for (let j = 0; j < size; j++) sum += Math.exp(v[base + j * stride] - max);
      for (let j = 0; j < size; j++) out[base + j * stride] = Math.exp(v[base + j * stride] - max) / sum;
    }
  }
  return { data: out, shape: [...x.shape] };
};
