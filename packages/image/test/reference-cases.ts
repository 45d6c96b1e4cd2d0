import fs from 'node:fs';
import path from 'node:path';
import type { NdArray } from '@biaflow/image';
import * as postproc from '@biaflow/image';

/**
 * The golden cases computed with scikit-image 0.19 / scipy 1.10 (fixtures/reference/manifest.json),
 * plus fixtures/reference-expected/manifest.json for the three cases whose stored file is the answer
 * rather than the input (see fixtures/make_expected.py). Every case is checked with the tolerance
 * written in the manifest.
 */
export const FIXTURES = path.join(__dirname, 'fixtures');

interface FileEntry {
  file: string;
  dtype: string;
  shape: number[];
}

export interface ReferenceCase {
  case: string;
  function: string;
  inputs: string[];
  expected: string[];
  files: Record<string, FileEntry>;
  params: Record<string, unknown>;
  expected_values: Record<string, unknown>;
  reference: string;
  tolerance: string;
}

interface RebuiltCase {
  inputs: Record<string, FileEntry>;
  expected: Record<string, FileEntry>;
}

export function loadCases(): ReferenceCase[] {
  return readJson<{ cases: ReferenceCase[] }>('reference/manifest.json').cases;
}

const rebuilt = (): Record<string, RebuiltCase> => readJson<{ cases: Record<string, RebuiltCase> }>('reference-expected/manifest.json').cases;

function readJson<T>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), 'utf8')) as T;
}

/** Reads a fixture image given its path relative to FIXTURES. */
export type ReadFixture = (relPath: string) => Promise<NdArray>;

/** Run one case and return what differs from the reference (empty when it passes). */
export async function checkCase(c: ReferenceCase, read: ReadFixture): Promise<string[]> {
  const fixes = rebuilt()[c.case];
  const inputFile = (name: string) => (fixes ? fixes.inputs[name].file : `reference/${c.files[name].file}`);
  const expectedFile = (name: string) => (fixes ? fixes.expected[name].file : `reference/${c.files[name].file}`);

  const params = { ...c.params };
  let args: unknown[];
  if (c.inputs.length > 0) {
    args = [];
    for (const name of c.inputs) args.push(await read(inputFile(name)));
  } else {
    args = [params.groundTruth, params.prediction];
    delete params.groundTruth;
    delete params.prediction;
  }
  const fn = (postproc as unknown as Record<string, (...a: unknown[]) => unknown>)[c.function];
  if (typeof fn !== 'function') return [`no exported function ${c.function}`];
  const actual = fn(...args, params);

  const tol = parseTolerance(c.tolerance);
  const problems: string[] = [];
  const expectedValue = async (name: string): Promise<unknown> =>
    name in c.expected_values ? c.expected_values[name] : read(expectedFile(name));

  switch (c.function) {
    case 'otsuThreshold': {
      const want = (await expectedValue('threshold')) as number;
      if (!(Math.abs((actual as number) - want) <= tol.abs!)) problems.push(`threshold ${actual} vs ${want}`);
      break;
    }
    case 'peakLocalMax': {
      const key = (p: number[]) => p.join(',');
      const got = (actual as number[][]).map(key).sort();
      const want = ((await expectedValue('coordinates')) as number[][]).map(key).sort();
      if (got.join(';') !== want.join(';')) problems.push(`peaks differ: got ${got.length} [${got.join(' ')}], want ${want.length} [${want.join(' ')}]`);
      break;
    }
    case 'matchingStats': {
      const want = (await expectedValue('stats')) as Record<string, Record<string, number>>;
      const got = actual as Record<string, Record<string, number>>;
      compareRecords(got, want, tol.abs!, problems);
      break;
    }
    case 'detectionMatching': {
      const got = actual as Record<string, number>;
      for (const name of c.expected) {
        const want = c.expected_values[name] as number;
        if (!(Math.abs(got[name] - want) <= 1e-12)) problems.push(`${name}: ${got[name]} vs ${want}`);
      }
      break;
    }
    case 'regionProps': {
      const want = (await expectedValue('regions')) as Record<string, number | number[]>[];
      const got = actual as unknown as Record<string, number | number[]>[];
      const centroidTol = Number(/centroid abs ([\d.e-]+)/.exec(c.tolerance)![1]);
      const perimeterTol = Number(/perimeter abs ([\d.e-]+)/.exec(c.tolerance)![1]);
      if (got.length !== want.length) problems.push(`${got.length} regions vs ${want.length}`);
      want.forEach((w, i) => {
        const g = got[i] ?? {};
        if (g.label !== w.label || g.area !== w.area) problems.push(`region ${i}: label/area ${g.label}/${g.area} vs ${w.label}/${w.area}`);
        if (String(g.bbox) !== String(w.bbox)) problems.push(`region ${w.label}: bbox ${g.bbox} vs ${w.bbox}`);
        (w.centroid as number[]).forEach((v, k) => {
          if (!(Math.abs((g.centroid as number[])[k] - v) <= centroidTol)) problems.push(`region ${w.label}: centroid ${g.centroid} vs ${w.centroid}`);
        });
        if (!(Math.abs((g.perimeter as number) - (w.perimeter as number)) <= perimeterTol)) {
          problems.push(`region ${w.label}: perimeter ${g.perimeter} vs ${w.perimeter}`);
        }
      });
      break;
    }
    default: {
      // Image out, image expected.
      const want = (await expectedValue(c.expected[0])) as NdArray;
      const got = actual as NdArray;
      if (String(got.shape) !== String(want.shape)) {
        problems.push(`shape [${got.shape}] vs [${want.shape}]`);
        break;
      }
      if (tol.fraction !== undefined) {
        // "≥ P% of (mask) voxels equal": over the mask when the case has one, else over the image.
        const mask = c.inputs.includes('mask') ? ((await read(inputFile('mask'))) as NdArray) : null;
        let total = 0;
        let equal = 0;
        for (let i = 0; i < want.data.length; i++) {
          if (mask && /mask/.test(c.tolerance) && mask.data[i] === 0) continue;
          total++;
          if (got.data[i] === want.data[i]) equal++;
        }
        if (equal < tol.fraction * total) problems.push(`${equal}/${total} voxels equal, below ${tol.fraction * 100}%`);
        if (/every marker keeps its own label/.test(c.tolerance)) {
          const markers = (await read(inputFile('markers'))) as NdArray;
          for (let i = 0; i < markers.data.length; i++) {
            if (markers.data[i] !== 0 && (!mask || mask.data[i] !== 0) && got.data[i] !== markers.data[i]) {
              problems.push(`marker at ${i} lost its label`);
              break;
            }
          }
        }
      } else {
        const abs = tol.exact ? 0 : tol.abs!;
        let bad = 0;
        let first = -1;
        for (let i = 0; i < want.data.length; i++) {
          if (!(Math.abs(got.data[i] - want.data[i]) <= abs)) {
            bad++;
            if (first < 0) first = i;
          }
        }
        if (bad > 0) problems.push(`${bad} voxels differ beyond ${abs} (first at ${first}: ${got.data[first]} vs ${want.data[first]})`);
      }
    }
  }
  return problems;
}

function compareRecords(got: Record<string, Record<string, number>>, want: Record<string, Record<string, number>>, abs: number, problems: string[]) {
  const keys = Object.keys(want);
  if (Object.keys(got).sort().join() !== [...keys].sort().join()) problems.push(`thresholds ${Object.keys(got)} vs ${keys}`);
  for (const k of keys) {
    for (const [field, w] of Object.entries(want[k])) {
      const g = got[k]?.[field];
      const ok = Number.isInteger(w) && ['tp', 'fp', 'fn', 'n_true', 'n_pred'].includes(field) ? g === w : Math.abs(g - w) <= abs;
      if (!ok) problems.push(`${k}.${field}: ${g} vs ${w}`);
    }
  }
}

/** "exact", "abs 1e-4 ...", ">= 99.5% of voxels equal ..." */
export function parseTolerance(text: string): { exact?: boolean; abs?: number; fraction?: number } {
  const pct = />=\s*([\d.]+)%/.exec(text);
  if (pct) return { fraction: Number(pct[1]) / 100 };
  const abs = /^abs ([\d.e-]+)/.exec(text);
  if (abs) return { abs: Number(abs[1]) };
  if (/exact/.test(text)) return { exact: true };
  return {};
}
