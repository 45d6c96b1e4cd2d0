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
  return { identity, shape: newShape.length ? newShape : [1], perm: newPerm.length ? newPerm : [0] };
}
