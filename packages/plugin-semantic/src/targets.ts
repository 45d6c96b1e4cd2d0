import { InputError, type NdArray } from '@biaflow/core';
import type { SemanticSettings } from './semantic-config';

/**
 * What the network learns from a class map `[...spatial]` (class indices): for a sigmoid head one
 * channel per foreground class (channel c−1 is 1 where the label is c), for a softmax head a one-hot
 * channel per class. Float32, channels last.
 */
export function semanticTarget(label: NdArray, settings: SemanticSettings, name = 'label'): NdArray<Float32Array> {
  const { classes, head } = settings;
  const channels = head === 'sigmoid' ? classes - 1 : classes;
  const offset = head === 'sigmoid' ? 1 : 0;
  const src = label.data;
  const n = src.length;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (!(v >= 0 && v < classes) || !Number.isInteger(v)) {
      throw new InputError(`${name}: label value ${v} is not a class index 0..${classes - 1}`, {
        hint: 'set semantic.classes, or map the values with data.labels.mapping',
      });
    }
    const c = v - offset;
    if (c >= 0) out[i * channels + c] = 1;
  }
  return { data: out, shape: [...label.shape, channels] };
}
