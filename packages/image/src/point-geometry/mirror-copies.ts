/**
 * Where a point shows along one axis once the axis is extended by mirroring, as the data pipeline
 * reads past a border (numpy `reflect`, `reflectIndex`: the mirror axes are the first and last
 * pixel centres, 0 and n − 1, so the extension repeats with period 2(n − 1)). A point at q shows
 * at every ±q + 2k(n − 1) outside the image's own range [−0.5, n − 0.5] (inside it the image shows
 * itself); a copy less than a pixel from one already kept is the same spot seen twice (a point
 * within half a pixel of a mirror axis overlaps its own reflection) and is left out.
 * An axis of one pixel shows that pixel everywhere: the point shows at q + m for every integer m.
 *
 * Returns the positions within [lo, hi] (extended coordinates), the point itself first when it is
 * there; `mirrored[i]` says whether position i is a reflection.
 */
export function mirrorCopies(q: number, n: number, lo: number, hi: number): { at: number[]; mirrored: boolean[] } {
  const at: number[] = [];
  const mirrored: boolean[] = [];
  const keep = (u: number, isCopy: boolean) => {
    if (u < lo || u > hi) return;
    if (isCopy && u >= -0.5 && u <= n - 0.5) return;
    for (const v of at) if (Math.abs(v - u) < 1) return;
    at.push(u);
    mirrored.push(isCopy);
  };
  keep(q, false);
  if (n === 1) {
    for (let m = Math.ceil(lo - q); m <= Math.floor(hi - q); m++) if (m !== 0) keep(q + m, true);
    return { at, mirrored };
  }
  const period = 2 * (n - 1);
  const first = Math.floor((lo - n) / period) - 1;
  const last = Math.ceil((hi + n) / period) + 1;
  for (let k = first; k <= last; k++) {
    if (k !== 0) keep(q + k * period, true);
    keep(-q + k * period, true);
  }
  return { at, mirrored };
}

/** Every combination of one position per axis (mirroring is separable: each axis reflects alone). */
export function forEachCombination(axes: { at: number[]; mirrored: boolean[] }[], visit: (at: number[], mirrored: boolean) => void): void {
  const at = new Array<number>(axes.length);
  const walk = (k: number, mirrored: boolean): void => {
    if (k === axes.length) return visit([...at], mirrored);
    for (let i = 0; i < axes[k].at.length; i++) {
      at[k] = axes[k].at[i];
      walk(k + 1, mirrored || axes[k].mirrored[i]);
    }
  };
  walk(0, false);
}
