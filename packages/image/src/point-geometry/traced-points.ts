import type { PointList } from '../types';

/**
 * Points after a geometric transform, with where each came from: `source` is the index of the
 * input point it shows, `mirrored` is 1 for a copy in mirrored content (a patch read past the
 * image's border, numpy `reflect`, shows the points there mirrored too) and 0 for the point itself.
 */
export interface TracedPoints {
  points: PointList;
  source: Int32Array;
  mirrored: Uint8Array;
}

/** Collects transformed points one by one (coordinates, class, source) into a `TracedPoints`. */
export class PointCollector {
  private readonly coordinates: number[] = [];
  private readonly classes: number[] = [];
  private readonly source: number[] = [];
  private readonly mirrored: number[] = [];

  constructor(
    private readonly ndim: 2 | 3,
    private readonly input: PointList,
  ) {}

  add(coordinates: ArrayLike<number>, from: number, mirrored: boolean): void {
    for (let k = 0; k < this.ndim; k++) this.coordinates.push(coordinates[k]);
    if (this.input.classes) this.classes.push(this.input.classes[from]);
    this.source.push(from);
    this.mirrored.push(mirrored ? 1 : 0);
  }

  finish(): TracedPoints {
    const points: PointList = { ndim: this.ndim, coordinates: Float64Array.from(this.coordinates) };
    if (this.input.classes) points.classes = Int32Array.from(this.classes);
    return { points, source: Int32Array.from(this.source), mirrored: Uint8Array.from(this.mirrored) };
  }
}

/** How many points a list holds. */
export function pointCount(points: PointList): number {
  return points.coordinates.length / points.ndim;
}
