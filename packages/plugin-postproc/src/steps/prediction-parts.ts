import { InputError, type NdArray, type Prediction } from '@biaflow/core';
import { otsuThreshold } from '@biaflow/image';

/** The network output of a prediction, or a clear error naming the step and the image. */
export function probabilitiesOf(step: string, prediction: Prediction): NdArray {
  const p = prediction.probabilities;
  if (!p) throw new InputError(`post-processing step "${step}" needs the network's probabilities, but ${prediction.name} has none`);
  return p;
}

/** The labels of a prediction, or a clear error naming the step and the image. */
export function labelsOf(step: string, prediction: Prediction): NdArray {
  const l = prediction.labels;
  if (!l) {
    throw new InputError(`post-processing step "${step}" works on labels, but ${prediction.name} has none yet`, {
      hint: 'put a step that makes labels first (threshold, label) or let the workflow decode the output',
    });
  }
  return l;
}

/** One channel of a channels-last probability map, as a spatial image. */
export function channelOf(step: string, probabilities: NdArray, channel: number, name: string): NdArray<Float32Array> {
  const shape = probabilities.shape;
  const channels = shape[shape.length - 1];
  if (channel >= channels) {
    throw new InputError(`post-processing step "${step}": channel ${channel} does not exist in ${name} (it has ${channels} channel${channels === 1 ? '' : 's'}, 0-based)`);
  }
  const n = probabilities.data.length / channels;
  const out = new Float32Array(n);
  const src = probabilities.data;
  for (let i = 0, j = channel; i < n; i++, j += channels) out[i] = src[j];
  return { data: out, shape: shape.slice(0, -1) };
}

/** `value`, or Otsu's threshold of `image` when the config says `auto`. */
export function thresholdValue(value: number | 'auto', image: NdArray): number {
  return value === 'auto' ? otsuThreshold(image) : value;
}

/** Voxel size along the spatial axes ([z,]y,x) from the input's metadata; 1 where unknown. */
export function spatialSpacing(prediction: Prediction, ndim: number): number[] {
  const { axes, spacing } = prediction.source;
  const wanted = ndim === 3 ? 'ZYX' : 'YX';
  return [...wanted].map((a) => {
    const i = axes.indexOf(a);
    const s = i >= 0 ? spacing[i] : null;
    return typeof s === 'number' && s > 0 ? s : 1;
  });
}
