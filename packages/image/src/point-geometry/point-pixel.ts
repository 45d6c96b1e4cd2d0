/**
 * The rounding rule for point coordinates (docs/data.md, "Points in pixels"). Coordinates are in
 * pixels with pixel centres on integers: pixel i covers [i − 0.5, i + 0.5) along an axis. A point
 * at c is drawn in pixel `Math.round(c)` (halves go up: 2.5 → 3, −0.5 → 0). An axis of n pixels
 * holds the points with −0.5 ≤ c ≤ n − 0.5, both edges included: a point exactly on the upper edge
 * belongs to the last pixel rather than to none, so a flip (c → n − 1 − c, which takes −0.5 to
 * n − 0.5) never drops a point that was inside.
 */

/** The lowest and highest coordinate an axis of `n` pixels holds (both included). */
export function pointRange(n: number): [number, number] {
  return [-0.5, n - 0.5];
}

/** True when coordinate `c` lies on an axis of `n` pixels (edges included). */
export function pointInside(c: number, n: number): boolean {
  return c >= -0.5 && c <= n - 0.5;
}

/** The pixel (0 … n − 1) a coordinate inside an axis of `n` pixels is drawn in. */
export function pointPixel(c: number, n: number): number {
  // Math.round is exact (ties up) where floor(c + 0.5) can round up 0.49999999999999994; the upper
  // edge n − 0.5 rounds to n and belongs to the last pixel.
  const i = Math.round(c);
  return i >= n ? n - 1 : i <= 0 ? 0 : i;
}
