import type { ModelDescription, WeightsFormat } from './description/types';
import { elementCount, stridesOf, valueAt, type NdArray } from './ndarray';

/**
 * How closely a reproduced test output must match: an element is mismatched when
 * `|actual - expected| > absolute + relative * |expected|`, and the test fails when more than
 * `mismatchedPerMillion` elements per million are (bioimageio.spec `ReproducibilityTolerance`,
 * as bioimageio.core's `test_model` applies it, comparing in float32).
 */
export interface Tolerance {
  relative: number;
  absolute: number;
  mismatchedPerMillion: number;
  /** Where the values come from, for messages. */
  source: string;
}

/** The spec's defaults (`ReproducibilityTolerance()`). */
export const DEFAULT_TOLERANCE: Tolerance = { relative: 1e-3, absolute: 1e-3, mismatchedPerMillion: 100, source: 'the spec defaults' };

/**
 * The tolerance for one output and weights format: the first entry of
 * `config.bioimageio.reproducibility_tolerance` whose `weights_formats` and `output_ids` (empty:
 * all) include them; else the legacy `config.bioimageio.test_kwargs.<format>`; else the defaults.
 */
export function toleranceFor(d: ModelDescription, format: WeightsFormat, outputId: string): Tolerance {
  const bioimageio = (d.config.bioimageio ?? {}) as Record<string, unknown>;
  const entries = Array.isArray(bioimageio.reproducibility_tolerance) ? (bioimageio.reproducibility_tolerance as Record<string, unknown>[]) : [];
  const idx = entries.findIndex((e) => {
    const formats = Array.isArray(e?.weights_formats) ? (e.weights_formats as string[]) : [];
    const outputs = Array.isArray(e?.output_ids) ? (e.output_ids as string[]) : [];
    return (formats.length === 0 || formats.includes(format)) && (outputs.length === 0 || outputs.includes(outputId));
  });
  if (idx >= 0) {
    const e = entries[idx];
    return {
      relative: num(e.relative_tolerance, DEFAULT_TOLERANCE.relative),
      absolute: num(e.absolute_tolerance, DEFAULT_TOLERANCE.absolute),
      mismatchedPerMillion: num(e.mismatched_elements_per_million, DEFAULT_TOLERANCE.mismatchedPerMillion),
      source: `config.bioimageio.reproducibility_tolerance[${idx}]`
    };
  }
  const legacy = (bioimageio.test_kwargs as Record<string, Record<string, unknown>> | undefined)?.[format];
  if (legacy && typeof legacy === 'object') {
    return {
      relative: num(legacy.relative_tolerance, 1e-3),
      absolute: num(legacy.absolute_tolerance, 1e-3),
      mismatchedPerMillion: DEFAULT_TOLERANCE.mismatchedPerMillion,
      source: `config.bioimageio.test_kwargs.${format}`
    };
  }
  return DEFAULT_TOLERANCE;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export interface Comparison {
  mismatched: number;
  total: number;
  perMillion: number;
  passed: boolean;
  /** Largest |actual - expected| over all elements (NaN mismatches excluded). */
  maxDifference: number;
  /** The element furthest outside the tolerance (when any is mismatched). */
  worst?: { index: number[]; actual: number; expected: number; difference: number };
}

/** Compare two arrays of equal shape under a tolerance; NaN matches only NaN. */
export function compareWithTolerance(actual: NdArray, expected: NdArray, tol: Tolerance): Comparison {
  const total = elementCount(expected.shape);
  let mismatched = 0;
  let worstExcess = -Infinity;
  let worstAt = -1;
  let maxDifference = 0;
  for (let i = 0; i < total; i++) {
    // float32, as bioimageio.core compares (`astype(np.float32)`)
    const a = Math.fround(valueAt(actual.data, i));
    const e = Math.fround(valueAt(expected.data, i));
    const diff = Math.abs(a - e);
    if (diff > maxDifference) maxDifference = diff;
    const excess = Number.isNaN(a) || Number.isNaN(e) ? (Number.isNaN(a) === Number.isNaN(e) ? -1 : Infinity) : Math.abs(a - e) - (tol.absolute + tol.relative * Math.abs(e));
    if (excess > 0) {
      mismatched++;
      if (excess > worstExcess) {
        worstExcess = excess;
        worstAt = i;
      }
    }
  }
  const perMillion = (mismatched / Math.max(1, total)) * 1e6;
  const result: Comparison = { mismatched, total, perMillion, passed: perMillion <= tol.mismatchedPerMillion, maxDifference };
  if (worstAt >= 0) {
    const a = valueAt(actual.data, worstAt);
    const e = valueAt(expected.data, worstAt);
    result.worst = { index: unravel(worstAt, expected.shape), actual: a, expected: e, difference: Math.abs(a - e) };
  }
  return result;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  return strides.map((s, a) => Math.floor(i / s) % shape[a]);
}
