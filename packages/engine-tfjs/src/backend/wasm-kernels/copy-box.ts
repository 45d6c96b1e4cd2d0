type Typed = Float32Array | Int32Array | Uint8Array;

/** Below this many elements a plain loop beats `set(subarray())` (which allocates a view). */
const MIN_NATIVE_RUN = 48;
/** From this many elements `copyWithin` (a memmove, no allocation) beats a plain loop. */
const MIN_MEMMOVE_RUN = 16;

/**
 * Copy the box `size` starting at `srcBegin` in `src` (shape `srcShape`) to `dstBegin` in `dst`
 * (shape `dstShape`), both row-major. Trailing axes covered whole in both arrays are merged into
 * one contiguous run, so slicing or concatenating along an outer axis is a few large copies and
 * along the channel axis a tight loop over short runs.
 *
 * wasm's own Slice/Concat call `set(subarray())` once per run, which costs ~100 ns per run: 60 ms
 * to split a [8,128,128,32] gradient in two along channels.
 */
export function copyBox(
  src: Typed,
  srcShape: readonly number[],
  srcBegin: readonly number[],
  dst: Typed,
  dstShape: readonly number[],
  dstBegin: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (size.some((s) => s === 0)) return;
  // Find how many trailing axes merge into one run.
  let run = 1;
  let axis = rank - 1;
  while (axis >= 0 && size[axis] === srcShape[axis] && size[axis] === dstShape[axis]) {
    run *= size[axis];
    axis--;
  }
  // The first partial axis (from the right) also belongs to the run: it is contiguous in both.
  if (axis >= 0) {
    run *= size[axis];
  }
  const outer = axis; // axes [0, outer) are looped over; axis `outer` starts the run
  const srcStrides = strides(srcShape);
  const dstStrides = strides(dstShape);
  let srcBase = 0;
  let dstBase = 0;
  for (let i = 0; i < rank; i++) {
    srcBase += srcBegin[i] * srcStrides[i];
    dstBase += dstBegin[i] * dstStrides[i];
  }
  if (outer <= 0) {
    copyRun(src, srcBase, dst, dstBase, run);
    return;
  }
  // Both live on the wasm heap: move runs with copyWithin on one view of the whole heap.
  const sameBuffer = src.buffer === dst.buffer && src.BYTES_PER_ELEMENT === dst.BYTES_PER_ELEMENT;
  const heap = sameBuffer && run >= MIN_MEMMOVE_RUN ? new (src.constructor as Float32ArrayConstructor)(src.buffer as ArrayBuffer) : null;
  if (heap) {
    srcBase += src.byteOffset / src.BYTES_PER_ELEMENT;
    dstBase += dst.byteOffset / dst.BYTES_PER_ELEMENT;
  }
  // Odometer over the outer axes; the innermost outer axis is a counted loop for speed.
  const inner = outer - 1;
  const innerCount = size[inner];
  const sStep = srcStrides[inner];
  const dStep = dstStrides[inner];
  const idx = new Array<number>(inner).fill(0);
  for (;;) {
    let s = srcBase;
    let d = dstBase;
    for (let i = 0; i < inner; i++) {
      s += idx[i] * srcStrides[i];
      d += idx[i] * dstStrides[i];
    }
    if (heap) {
      for (let j = 0; j < innerCount; j++, s += sStep, d += dStep) heap.copyWithin(d, s, s + run);
    } else if (run >= MIN_NATIVE_RUN) {
      for (let j = 0; j < innerCount; j++, s += sStep, d += dStep) dst.set(src.subarray(s, s + run), d);
    } else {
      for (let j = 0; j < innerCount; j++, s += sStep, d += dStep) {
        for (let r = 0; r < run; r++) dst[d + r] = src[s + r];
      }
    }
    let i = inner - 1;
    while (i >= 0) {
      if (++idx[i] < size[i]) break;
      idx[i] = 0;
      i--;
    }
    if (i < 0) break;
  }
}

function copyRun(src: Typed, s: number, dst: Typed, d: number, n: number): void {
  if (n >= MIN_NATIVE_RUN) dst.set(src.subarray(s, s + n), d);
  else for (let r = 0; r < n; r++) dst[d + r] = src[s + r];
}

export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}
