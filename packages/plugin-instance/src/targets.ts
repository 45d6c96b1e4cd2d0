import { InputError, type NdArray } from '@biaflow/core';
import { findBoundaries, type BoundaryMode } from '@biaflow/image';
import { channelCodes, type ChannelSet } from './channels';
import { normalizedObjectDistance } from './object-distance';

export interface InstanceTargetOptions {
  /** Which channels, in order (default `BC`). */
  channels?: ChannelSet;
  /** Contour as `find_boundaries` mode (default `thick`). */
  contourMode?: BoundaryMode;
  /** Voxel size per spatial axis, for the distance channel (default 1). */
  spacing?: readonly number[];
}

/**
 * Instance labels (`[y, x]` or `[z, y, x]`, any integer type, 0 = background) → the network's
 * target, float32, channels last (`[..spatial, channels]`), each channel in [0, 1]:
 * - `B`: 1 on every object voxel;
 * - `C`: 1 on the objects' boundaries (scikit-image `find_boundaries`, faces connectivity);
 * - `D`: distance to the object's boundary, normalized per object (see `normalizedObjectDistance`).
 */
export function instanceTargets(labels: NdArray, options: InstanceTargetOptions = {}): NdArray<Float32Array> {
  const codes = channelCodes(options.channels ?? 'BC');
  const spatial = labels.shape;
  if (spatial.length !== 2 && spatial.length !== 3) {
    throw new InputError(`instanceTargets(): labels must be [y, x] or [z, y, x], got shape [${spatial.join(', ')}]`);
  }
  const n = labels.data.length;
  const c = codes.length;
  const out = new Float32Array(n * c);
  codes.forEach((code, ch) => {
    let channel: ArrayLike<number>;
    if (code === 'B') {
      const d = labels.data;
      for (let i = 0, j = ch; i < n; i++, j += c) out[j] = d[i] !== 0 ? 1 : 0;
      return;
    }
    if (code === 'C') channel = findBoundaries(labels, { mode: options.contourMode ?? 'thick' }).data;
    else channel = normalizedObjectDistance(labels, options.spacing).data;
    for (let i = 0, j = ch; i < n; i++, j += c) out[j] = channel[i];
  });
  return { data: out, shape: [...spatial, c] };
}
