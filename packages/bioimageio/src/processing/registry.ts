import { binarize } from './ops/binarize';
import { clip } from './ops/clip';
import { ensureDtype } from './ops/ensure-dtype';
import { fixedZeroMeanUnitVariance } from './ops/fixed-zero-mean-unit-variance';
import { scaleLinear } from './ops/scale-linear';
import { scaleMeanVariance } from './ops/scale-mean-variance';
import { scaleRange } from './ops/scale-range';
import { sigmoid } from './ops/sigmoid';
import { softmax } from './ops/softmax';
import { zeroMeanUnitVariance } from './ops/zero-mean-unit-variance';
import type { ProcessingOp } from './step-context';

/** The spec 0.5 processing operations biaflow implements, by their `id`. */
export const PROCESSING_OPS: Readonly<Record<string, ProcessingOp>> = {
  binarize,
  clip,
  ensure_dtype: ensureDtype,
  fixed_zero_mean_unit_variance: fixedZeroMeanUnitVariance,
  scale_linear: scaleLinear,
  scale_mean_variance: scaleMeanVariance,
  scale_range: scaleRange,
  sigmoid,
  softmax,
  zero_mean_unit_variance: zeroMeanUnitVariance
};

export function isSupportedProcessingOp(id: string): boolean {
  return Object.prototype.hasOwnProperty.call(PROCESSING_OPS, id);
}
