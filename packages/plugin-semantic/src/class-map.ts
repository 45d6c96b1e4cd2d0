import type { NdArray } from '@biaflow/core';

export interface ClassMapOptions {
  head: 'sigmoid' | 'softmax';
  /** Sigmoid heads: a voxel is foreground where its highest class probability is above this. */
  threshold: number;
}

/**
 * The class map of a network output `[...spatial, channels]`: for a softmax head the arg-max class
 * (the first on ties); for a sigmoid head background where no channel exceeds the threshold, else
 * the class of the highest channel (one channel: value > threshold → 1). Uint8 for up to 256
 * classes, else uint16.
 */
export function classMap(probabilities: NdArray, options: ClassMapOptions): NdArray<Uint8Array | Uint16Array> {
  const shape = probabilities.shape;
  const channels = shape[shape.length - 1];
  const p = probabilities.data;
  const n = p.length / channels;
  const classes = options.head === 'sigmoid' ? channels + 1 : channels;
  const out = classes <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  const t = options.threshold;
  if (options.head === 'sigmoid' && channels === 1) {
    for (let i = 0; i < n; i++) out[i] = p[i] > t ? 1 : 0;
  } else {
    for (let i = 0, j = 0; i < n; i++, j += channels) {
      let best = 0;
      let max = p[j];
      for (let c = 1; c < channels; c++) {
        if (p[j + c] > max) {
          max = p[j + c];
          best = c;
        }
      }
      out[i] = options.head === 'softmax' ? best : max > t ? best + 1 : 0;
    }
  }
  return { data: out, shape: shape.slice(0, -1) };
}

/** The highest channel value per voxel (what a sigmoid threshold is compared with). */
export function maxOverChannels(probabilities: NdArray): NdArray<Float32Array> {
  const shape = probabilities.shape;
  const channels = shape[shape.length - 1];
  const p = probabilities.data;
  const n = p.length / channels;
  const out = new Float32Array(n);
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    let max = p[j];
    for (let c = 1; c < channels; c++) if (p[j + c] > max) max = p[j + c];
    out[i] = max;
  }
  return { data: out, shape: shape.slice(0, -1) };
}
