import type { NdArray } from './types';
import { asZyx, checkImage } from './checks';

/**
 * Fill the holes of a mask, as scipy's `ndimage.binary_fill_holes(mask)`: background regions
 * (face-connected) that do not reach the image border become foreground. Returns a 0/1 Uint8Array mask.
 */
export function fillHoles(mask: NdArray): NdArray<Uint8Array> {
  checkImage('fillHoles', 'mask', mask);
  return { data: fillHolesFlat(mask.data, mask.shape), shape: [...mask.shape] };
}

/** 1 where `data` is non-zero or enclosed background; shared with the per-label variant. */
export function fillHolesFlat(data: ArrayLike<number>, shape: readonly number[]): Uint8Array {
  const [Z, Y, X] = asZyx(shape);
  const n = Z * Y * X;
  // 0: background not reached yet, 1: foreground, 2: background reached from the border.
  const state = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (data[i] !== 0) state[i] = 1;
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const seed = (i: number) => {
    if (state[i] === 0) {
      state[i] = 2;
      queue[tail++] = i;
    }
  };
  const YX = Y * X;
  const is3d = shape.length === 3;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const onFace = (is3d && (z === 0 || z === Z - 1)) || y === 0 || y === Y - 1;
      const row = z * YX + y * X;
      if (onFace) for (let x = 0; x < X; x++) seed(row + x);
      else if (X > 0) {
        seed(row);
        seed(row + X - 1);
      }
    }
  }
  while (head < tail) {
    const i = queue[head++];
    const x = i % X;
    const y = ((i - x) / X) % Y;
    const z = (i - x - y * X) / YX;
    if (x > 0) seed(i - 1);
    if (x < X - 1) seed(i + 1);
    if (y > 0) seed(i - X);
    if (y < Y - 1) seed(i + X);
    if (z > 0) seed(i - YX);
    if (z < Z - 1) seed(i + YX);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = state[i] === 2 ? 0 : 1;
  return out;
}
