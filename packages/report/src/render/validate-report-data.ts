import { decodeLabels, decodePixels } from './picture';
import type { ReportData } from './report-data';

/**
 * Bad report data: `path` names the key (`images[2].overlay.truth`), the message says what is wrong
 * and what was expected. Core turns it into its own InputError; this package has no core import.
 */
export class ReportDataError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`report data ${path}: ${problem}`);
    this.name = 'ReportDataError';
  }
}

/**
 * A JSON copy of `value`: NaN and ±Infinity become null (as in `metrics.json`, so a diverged
 * training still gets its report); typed arrays, functions and other non-JSON values are refused,
 * since the page embeds the data as JSON and reads it back.
 */
export function jsonCopy(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value)) {
    throw new ReportDataError(path || 'data', 'is a typed array; pixel and label data go in as base64 (encodePixels / encodeLabels)');
  }
  if (Array.isArray(value)) return value.map((v, i) => jsonCopy(v, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) if (v !== undefined) out[k] = jsonCopy(v, path ? `${path}.${k}` : k);
    return out;
  }
  throw new ReportDataError(path || 'data', `is ${value === undefined ? 'undefined' : typeof value === 'object' ? 'an object that is not plain JSON' : `a ${typeof value}`}; the report holds JSON only`);
}

function need(ok: unknown, path: string, problem: string): asserts ok {
  if (!ok) throw new ReportDataError(path, problem);
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPoint = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every(isFiniteNumber);

function decoded<T>(path: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new ReportDataError(path, (e as Error).message);
  }
}

/** Check the shape of report data (after `jsonCopy`), so the page never fails on what the renderer accepted. */
export function validateReportData(data: ReportData): void {
  need(isObject(data), 'data', 'must be an object');
  for (const key of ['title', 'created', 'command', 'runDir'] as const) need(typeof data[key] === 'string', key, 'must be a string');
  need(isObject(data.versions), 'versions', 'must be an object of package name → version');
  need(isObject(data.backend) && typeof data.backend.name === 'string', 'backend', 'must be { name, threads }');
  const wf = data.workflow;
  need(isObject(wf) && typeof wf.name === 'string', 'workflow', 'must be { name, output, mainFigure }');
  need(typeof wf.output === 'string' && wf.output !== '', 'workflow.output', `is ${JSON.stringify(wf.output)}; it must name the workflow's output kind (labels, points, classes, image or a plugin's own)`);
  need(isObject(wf.mainFigure) && typeof wf.mainFigure.key === 'string' && typeof wf.mainFigure.label === 'string', 'workflow.mainFigure', 'must be { key, label, higherIsBetter }');
  if (wf.imageFigure !== undefined) {
    need(isObject(wf.imageFigure) && typeof wf.imageFigure.key === 'string' && typeof wf.imageFigure.label === 'string', 'workflow.imageFigure', 'must be { key, label, higherIsBetter } or left out');
  }
  need(Array.isArray(data.epochs), 'epochs', 'must be a list of training-log rows (empty for a predict-only run)');
  data.epochs.forEach((row, i) => need(isObject(row) && isFiniteNumber(row.epoch), `epochs[${i}].epoch`, 'must be a number'));
  if (data.metrics) {
    need(isObject(data.metrics.overall), 'metrics.overall', 'must be an object');
    need(Array.isArray(data.metrics.per_image), 'metrics.per_image', 'must be a list of rows');
    data.metrics.per_image.forEach((row, i) => need(isObject(row) && typeof row.image === 'string', `metrics.per_image[${i}].image`, 'must be a string'));
  }
  (data.curves ?? []).forEach((c, i) => {
    const p = `curves[${i}]`;
    need(isObject(c) && typeof c.name === 'string' && typeof c.xLabel === 'string' && typeof c.yLabel === 'string', p, 'must be { name, x, y, xLabel, yLabel }');
    need(Array.isArray(c.x) && Array.isArray(c.y) && c.x.length === c.y.length, p, `x and y must be lists of the same length (${c.x?.length} and ${c.y?.length})`);
  });
  need(Array.isArray(data.images), 'images', 'must be a list (may be empty)');
  data.images.forEach((image, i) => validateImage(image, `images[${i}]`));
}

function validateImage(image: ReportData['images'][number], p: string): void {
  need(isObject(image) && typeof image.name === 'string' && typeof image.role === 'string', p, 'must have a name and a role');
  need(image.value === null || isFiniteNumber(image.value), `${p}.value`, 'must be a number or null');
  const { width, height } = image;
  need(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0, p, `width and height must be positive integers (got ${width}, ${height})`);
  need(isObject(image.input), `${p}.input`, 'must be { channels, base64 }');
  decoded(`${p}.input`, () => decodePixels(image.input, width, height));
  const o = image.overlay;
  need(isObject(o), `${p}.overlay`, 'must be an object with a kind');
  switch (o.kind) {
    case 'instances':
    case 'semantic':
      need(isObject(o.prediction), `${p}.overlay.prediction`, 'must be { dtype, base64 }');
      decoded(`${p}.overlay.prediction`, () => decodeLabels(o.prediction, width, height));
      if (o.truth) decoded(`${p}.overlay.truth`, () => decodeLabels(o.truth as NonNullable<typeof o.truth>, width, height));
      break;
    case 'points': {
      need(Array.isArray(o.predicted) && o.predicted.every(isPoint), `${p}.overlay.predicted`, 'must be a list of [row, column] points');
      need(o.truth == null || (Array.isArray(o.truth) && o.truth.every(isPoint)), `${p}.overlay.truth`, 'must be a list of [row, column] points or null');
      const nTrue = o.truth?.length ?? 0;
      (o.matches ?? []).forEach((m, j) =>
        need(Array.isArray(m) && m[0] >= 0 && m[0] < nTrue && m[1] >= 0 && m[1] < o.predicted.length && Number.isInteger(m[0]) && Number.isInteger(m[1]),
          `${p}.overlay.matches[${j}]`, `must be [truthIndex, predictedIndex] of existing points (${nTrue} true, ${o.predicted.length} predicted)`),
      );
      break;
    }
    case 'classes':
      need(typeof o.predicted === 'string', `${p}.overlay.predicted`, 'must be a class name');
      need(o.truth == null || typeof o.truth === 'string', `${p}.overlay.truth`, 'must be a class name or null');
      break;
    case 'image':
      for (const layer of ['prediction', 'truth'] as const) {
        const px = o[layer];
        if (!px && layer === 'truth') continue;
        need(isObject(px) && Number.isInteger(px.width) && Number.isInteger(px.height), `${p}.overlay.${layer}`, 'must be { channels, base64, width, height }');
        decoded(`${p}.overlay.${layer}`, () => decodePixels(px, px.width, px.height));
      }
      break;
    default:
      throw new ReportDataError(`${p}.overlay.kind`, `is '${(o as { kind: unknown }).kind}'; it must be instances, points, classes, semantic or image`);
  }
}
