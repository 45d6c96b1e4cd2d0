import type { NdArray } from './types';
import { ImageError } from './image-error';
import { asZyx, checkConnectivity, checkLabelImage, optionsObject, type IntegerArray } from './checks';
import { neighbourOffsets } from './neighbourhood';

export const BOUNDARY_MODES = ['thick', 'inner', 'outer'] as const;
export type BoundaryMode = (typeof BOUNDARY_MODES)[number];

export interface FindBoundariesOptions {
  /** `thick` (default): every voxel with a differently labelled neighbour; `inner`: those inside objects; `outer`: those in the background plus where objects touch. */
  mode?: BoundaryMode;
  /** Neighbourhood: 1 (default) = faces, up to ndim = corners. */
  connectivity?: number;
  /** Background label for `inner` and `outer` (default 0). */
  background?: number;
}

/**
 * Boundaries between labelled regions, as scikit-image 0.19's
 * `segmentation.find_boundaries(labels, connectivity, mode, background)`: grey dilation ≠ grey
 * erosion over the neighbourhood (beyond the border the edge voxel repeats, so it never counts).
 * `outer` keeps background voxels of the thick boundary and object voxels that touch another object
 * (full connectivity), exactly as skimage's dilation/erosion formulation. Returns a 0/1 Uint8Array.
 */
export function findBoundaries(labels: NdArray, options: FindBoundariesOptions = {}): NdArray<Uint8Array> {
  const fn = 'findBoundaries';
  checkLabelImage(fn, 'labels', labels);
  const opts = optionsObject<FindBoundariesOptions>(fn, options);
  const ndim = labels.shape.length;
  const mode = opts.mode ?? 'thick';
  if (!BOUNDARY_MODES.includes(mode)) throw new ImageError(`${fn}(): mode must be one of ${BOUNDARY_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const connectivity = checkConnectivity(fn, opts.connectivity, ndim, 1);
  const background = opts.background ?? 0;
  if (typeof background !== 'number' || !Number.isInteger(background)) {
    throw new ImageError(`${fn}(): background must be an integer label, got ${JSON.stringify(background)}`);
  }
  const data = labels.data as IntegerArray;
  const shape = asZyx(labels.shape);
  const thick = differsFromNeighbours(data, shape, neighbourOffsets(ndim, connectivity), ndim === 3);
  const out = thick;
  if (mode === 'inner') {
    for (let i = 0; i < out.length; i++) if (data[i] === background) out[i] = 0;
  } else if (mode === 'outer') {
    clearUnlessTouching(out, data, shape, neighbourOffsets(ndim, ndim), background, dtypeMax(data));
  }
  return { data: out, shape: [...labels.shape] };
}

/** 1 where some in-image neighbour holds another value (max ≠ min over the neighbourhood). */
function differsFromNeighbours(data: IntegerArray, [Z, Y, X]: [number, number, number], offsets: number[][], is3d: boolean): Uint8Array {
  const out = new Uint8Array(data.length);
  const YX = Y * X;
  const raveled = offsets.map(([dz, dy, dx]) => dz * YX + dy * X + dx);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const innerRow = y > 0 && y < Y - 1 && (!is3d || (z > 0 && z < Z - 1));
      for (let x = 0; x < X; x++) {
        const i = z * YX + y * X + x;
        const v = data[i];
        if (innerRow && x > 0 && x < X - 1) {
          for (const o of raveled) {
            if (data[i + o] !== v) {
              out[i] = 1;
              break;
            }
          }
        } else {
          for (const [dz, dy, dx] of offsets) {
            const zz = z + dz;
            const yy = y + dy;
            const xx = x + dx;
            if (zz < 0 || zz >= Z || yy < 0 || yy >= Y || xx < 0 || xx >= X) continue;
            if (data[zz * YX + yy * X + xx] !== v) {
              out[i] = 1;
              break;
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * Clear object voxels of `out` unless skimage's `dilation(labels) != erosion(labels with background →
 * dtype max)` holds there over the full neighbourhood (centre included): they must touch another object.
 */
function clearUnlessTouching(
  out: Uint8Array,
  data: IntegerArray,
  [Z, Y, X]: [number, number, number],
  offsets: number[][],
  background: number,
  maxValue: number,
): void {
  const YX = Y * X;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const i = z * YX + y * X + x;
        const v = data[i];
        if (out[i] === 0 || v === background) continue;
        let hi = v;
        let lo = v === background ? maxValue : v;
        for (const [dz, dy, dx] of offsets) {
          const zz = z + dz;
          const yy = y + dy;
          const xx = x + dx;
          if (zz < 0 || zz >= Z || yy < 0 || yy >= Y || xx < 0 || xx >= X) continue;
          const w = data[zz * YX + yy * X + xx];
          if (w > hi) hi = w;
          const wl = w === background ? maxValue : w;
          if (wl < lo) lo = wl;
        }
        if (hi === lo) out[i] = 0;
      }
    }
  }
}

function dtypeMax(data: IntegerArray): number {
  if (data instanceof Uint8Array) return 255;
  if (data instanceof Uint16Array) return 65535;
  if (data instanceof Uint32Array) return 4294967295;
  if (data instanceof Int8Array) return 127;
  if (data instanceof Int16Array) return 32767;
  return 2147483647;
}
