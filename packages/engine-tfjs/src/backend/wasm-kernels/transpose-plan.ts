export interface TransposePlan {
  /** True when the permutation moves no data (only a reshape is needed). */
  identity: boolean;
  /** The input shape with size-1 axes dropped and runs of axes that stay adjacent merged. */
  shape: number[];
  /** The permutation of `shape`. */
  perm: number[];
}

/**
 * Reduce a transpose to the fewest axes: drop size-1 axes, then merge axes that are adjacent and
 * in the same order in both input and output. [B,H,W,2,2C] with perm [0,1,3,2,4] becomes
 * [B·H, W, 2, 2C] with perm [0,2,1,3].
 */
export function simplifyTranspose(shape: readonly number[], perm: readonly number[]): TransposePlan {
  const kept = perm.filter((p) => shape[p] !== 1);
  // Merge output-order runs p, p+1, ... (consecutive input axes).
  const groups: number[][] = [];
  for (const p of kept) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else groups.push([p]);
  }
  // Each group becomes one axis; order groups by their first input axis to get the input shape.
  const byInput = [...groups].sort((a, b) => a[0] - b[0]);
  const newShape = byInput.map((g) => g.reduce((s, p) => s * shape[p], 1));
  const newPerm = groups.map((g) => byInput.indexOf(g));
  const identity = newPerm.every((p, i) => p === i);
  if (!identity && newShape.length === 2) return splitRows(newShape[0], newShape[1]);
  return { identity, shape: newShape.length ? newShape : [1], perm: newPerm.length ? newPerm : [0] };
}

/**
 * wasm's 2D transpose reads [A,B] in order and writes with a stride of A elements: with many rows
 * (a [N,16] → [16,N] channel move) every write lands on another cache line and page, ~4× slower
 * than its 3D loop, which writes in order. So [A,B] → [B,A] goes as [A1,A2,B] → [B,A1,A2] when A
 * is large and has a factor.
 */
function splitRows(a: number, b: number): TransposePlan {
  if (a > 64) {
    for (let p = 2; p * p <= a; p++) {
      if (a % p === 0) return { identity: false, shape: [p, a / p, b], perm: [2, 0, 1] };
    }
  }
  return { identity: false, shape: [a, b], perm: [1, 0] };
}
