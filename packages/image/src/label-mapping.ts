import type { NdArray, PointList, TypedArray } from './types';
import { isIntegerArray } from './checks';

/**
 * Stored labels → what a workflow expects: `data.labels.mapping` replaces values explicitly;
 * otherwise the workflow may map them itself (`labelMapping` of its declaration: a class-map
 * workflow turns a 0/255 mask into 0/1), and object ids are kept as they are.
 *
 * The decision is made once over the training labels, not per image: a 3-class set whose one image
 * only shows class 2 must not have that 2 turned into 1.
 */

/** Value → replacement. */
export type LabelMapping = ReadonlyMap<number, number>;

/** How many distinct values are tracked before a label set counts as "many-valued". */
const MAX_TRACKED_VALUES = 4096;

/** Distinct values of a label set, gathered label by label (bounded: stops tracking past 4096 values). */
export class LabelValues {
  private readonly values = new Set<number>();
  overflow = false;

  add(label: TypedArray): void {
    if (this.overflow) return;
    if (label instanceof Uint8Array || label instanceof Uint16Array) {
      // A presence table is much faster than a Set for 8/16-bit labels.
      const seen = new Uint8Array(label instanceof Uint8Array ? 256 : 65536);
      for (let i = 0; i < label.length; i++) seen[label[i]] = 1;
      for (let v = 0; v < seen.length; v++) if (seen[v]) this.values.add(v);
    } else {
      let last = NaN;
      for (let i = 0; i < label.length; i++) {
        const v = label[i];
        if (v === last) continue;
        last = v;
        this.values.add(v);
        if (this.values.size > MAX_TRACKED_VALUES) break;
      }
    }
    if (this.values.size > MAX_TRACKED_VALUES) this.overflow = true;
  }

  /** The distinct values (sorted), or undefined when there were too many to track. */
  get sorted(): number[] | undefined {
    return this.overflow ? undefined : [...this.values].sort((a, b) => a - b);
  }
}

/**
 * The mapping a label set needs: the explicit one when configured (keys are the YAML strings),
 * else the workflow's own for the distinct training label values, else none.
 */
export function resolveLabelMapping(
  explicit: Readonly<Record<string, number>> | undefined,
  values: readonly number[] | undefined,
  automatic?: (values: readonly number[]) => LabelMapping | undefined,
): LabelMapping | undefined {
  if (explicit && Object.keys(explicit).length > 0) {
    return new Map(Object.entries(explicit).map(([k, v]) => [Number(k), v]));
  }
  return values && automatic ? automatic(values) : undefined;
}

/** A set of class-map labels with one non-zero value v ≠ 1 (a 0/255 mask) → 0/1; none otherwise. */
export function binaryMaskMapping(values: readonly number[]): LabelMapping | undefined {
  const nonZero = values.filter((v) => v !== 0);
  if (nonZero.length === 1 && nonZero[0] !== 1) return new Map([[nonZero[0], 1]]);
  return undefined;
}

/** A label with the mapping applied (a new array; the dtype is kept when every result fits in it). */
export function applyLabelMapping<T extends TypedArray>(label: NdArray<T>, mapping: LabelMapping | undefined): NdArray {
  if (!mapping || mapping.size === 0) return label;
  const src = label.data;
  const fits = [...mapping.values()].every((v) => fitsIn(src, v));
  const out: TypedArray = fits ? (src.slice() as TypedArray) : Int32Array.from(src as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    const m = mapping.get(src[i]);
    if (m !== undefined) out[i] = m;
  }
  return { data: out, shape: [...label.shape] };
}

/**
 * Points with the mapping applied to their classes (1 for points without a class column), as it
 * would apply to their mask: a class mapped to 0 (background) drops the point.
 */
export function applyPointClassMapping(points: PointList, mapping: LabelMapping | undefined): PointList {
  if (!mapping || mapping.size === 0) return points;
  const d = points.ndim;
  const n = points.coordinates.length / d;
  const coordinates: number[] = [];
  const classes: number[] = [];
  for (let p = 0; p < n; p++) {
    const stored = points.classes ? points.classes[p] : 1;
    const cls = mapping.get(stored) ?? stored;
    if (cls === 0) continue;
    for (let k = 0; k < d; k++) coordinates.push(points.coordinates[p * d + k]);
    classes.push(cls);
  }
  return { ndim: points.ndim, coordinates: Float64Array.from(coordinates), classes: Int32Array.from(classes) };
}

function fitsIn(a: TypedArray, v: number): boolean {
  if (!isIntegerArray(a)) return true;
  const probe = a.constructor as new (n: number) => TypedArray;
  const t = new probe(1);
  t[0] = v;
  return t[0] === v;
}

/** Mapping as JSON (for split.json and the model bundle). */
export function mappingToJson(mapping: LabelMapping | undefined): Record<string, number> | null {
  return mapping ? Object.fromEntries([...mapping].map(([k, v]) => [String(k), v])) : null;
}
