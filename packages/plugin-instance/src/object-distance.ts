import { InputError, type NdArray } from '@biaflow/core';
import { distanceTransform } from '@biaflow/image';

/**
 * For every object voxel, the Euclidean distance (with `spacing`) to the nearest voxel that is not
 * of the same object — background or another object — divided by the largest such distance in that
 * object, so each object peaks at 1 in its middle and the map fits a sigmoid head. Background is 0.
 *
 * Each object is measured in its bounding box grown by one voxel: any voxel of the box lies closer
 * to the ring around the box (which is outside the object) than to anything beyond it, so the crop
 * gives the exact distance of the whole image. At the image border the ring is cut off, as the
 * image's edge is not background (scipy's `distance_transform_edt` convention).
 */
export function normalizedObjectDistance(labels: NdArray, spacing?: readonly number[]): NdArray<Float32Array> {
  const { shape, data } = labels;
  const ndim = shape.length;
  if (ndim !== 2 && ndim !== 3) throw new InputError(`normalizedObjectDistance(): labels must be 2D or 3D, got shape [${shape.join(', ')}]`);
  if (spacing && spacing.length !== ndim) {
    throw new InputError(`normalizedObjectDistance(): spacing has ${spacing.length} values for a ${ndim}D image`);
  }
  const [Z, Y, X] = ndim === 3 ? shape : [1, shape[0], shape[1]];
  const out = new Float32Array(data.length);

  // Bounding box of every label: [zmin, ymin, xmin, zmax, ymax, xmax] (inclusive).
  const boxes = new Map<number, number[]>();
  for (let z = 0, i = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const v = data[i];
        if (v === 0) continue;
        const b = boxes.get(v);
        if (!b) boxes.set(v, [z, y, x, z, y, x]);
        else {
          if (z < b[0]) b[0] = z;
          if (y < b[1]) b[1] = y;
          if (x < b[2]) b[2] = x;
          if (z > b[3]) b[3] = z;
          if (y > b[4]) b[4] = y;
          if (x > b[5]) b[5] = x;
        }
      }
    }
  }

  for (const [value, b] of boxes) {
    const z0 = Math.max(0, b[0] - 1);
    const y0 = Math.max(0, b[1] - 1);
    const x0 = Math.max(0, b[2] - 1);
    const z1 = Math.min(Z - 1, b[3] + 1);
    const y1 = Math.min(Y - 1, b[4] + 1);
    const x1 = Math.min(X - 1, b[5] + 1);
    const cz = z1 - z0 + 1;
    const cy = y1 - y0 + 1;
    const cx = x1 - x0 + 1;
    const mask = new Uint8Array(cz * cy * cx);
    for (let z = 0, k = 0; z < cz; z++) {
      for (let y = 0; y < cy; y++) {
        let i = ((z + z0) * Y + y + y0) * X + x0;
        for (let x = 0; x < cx; x++, k++, i++) if (data[i] === value) mask[k] = 1;
      }
    }
    const cropShape = ndim === 3 ? [cz, cy, cx] : [cy, cx];
    const dist = distanceTransform({ data: mask, shape: cropShape }, spacing ? { spacing: [...spacing] } : {}).data;
    let max = 0;
    for (let k = 0; k < dist.length; k++) if (mask[k] && dist[k] > max) max = dist[k];
    // An object filling its whole (border-clipped) box has no outside to measure from: all 1.
    const scale = Number.isFinite(max) && max > 0 ? 1 / max : 0;
    for (let z = 0, k = 0; z < cz; z++) {
      for (let y = 0; y < cy; y++) {
        let i = ((z + z0) * Y + y + y0) * X + x0;
        for (let x = 0; x < cx; x++, k++, i++) if (mask[k]) out[i] = scale === 0 ? 1 : dist[k] * scale;
      }
    }
  }
  return { data: out, shape: [...shape] };
}
