import { encodeLabels, encodePixels, type EpochRow, type ReportData, type ReportImage, type ReportPoint } from '@biaflow/report';

/**
 * Realistic report data for each workflow kind, generated from a fixed seed: microscopy-like grey
 * images with a few dozen objects, ground truth, and a prediction that is close to it but wrong in
 * the usual ways (shifted or resized objects, missed and extra objects).
 */

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const EPOCHS = 15;

/** A training log of `EPOCHS` rows: loss, val_loss, val_iou, lr and time_s (time_s is not plotted). */
export function trainingLog(seed = 1): EpochRow[] {
  const r = rng(seed);
  return Array.from({ length: EPOCHS }, (_, i) => ({
    epoch: i + 1,
    loss: 0.9 * Math.exp(-i / 5) + 0.05 + 0.02 * r(),
    val_loss: 0.95 * Math.exp(-i / 6) + 0.08 + 0.04 * r(),
    val_iou: 0.3 + 0.5 * (1 - Math.exp(-i / 4)) + 0.02 * r(),
    lr: 1e-3 * 0.5 ** Math.floor(i / 5),
    time_s: 12 + r(),
  }));
}

/** Number of plotted series in `trainingLog` (loss, val_loss, val_iou, lr). */
export const TRAINING_SERIES = 4;

interface Disc {
  y: number;
  x: number;
  r: number;
}

/** Discs on a jittered grid (never overlapping), `n` of them in a `size`×`size` image. */
function discs(r: () => number, size: number, grid: number): Disc[] {
  const out: Disc[] = [];
  const cell = size / grid;
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const rad = 6 + Math.floor(r() * 8);
      out.push({ y: Math.round((gy + 0.5) * cell + (r() - 0.5) * (cell - 2 * rad - 4)), x: Math.round((gx + 0.5) * cell + (r() - 0.5) * (cell - 2 * rad - 4)), r: rad });
    }
  }
  return out;
}

function paintDiscs(labels: Uint16Array | Uint8Array, size: number, list: (Disc & { label: number })[]): void {
  for (const d of list) {
    for (let y = Math.max(0, d.y - d.r); y <= Math.min(size - 1, d.y + d.r); y++) {
      for (let x = Math.max(0, d.x - d.r); x <= Math.min(size - 1, d.x + d.r); x++) {
        if ((y - d.y) ** 2 + (x - d.x) ** 2 <= d.r * d.r) labels[y * size + x] = d.label;
      }
    }
  }
}

/** Grey microscopy-like input: dark noisy background, bright blobs where the truth has objects. */
function greyInput(r: () => number, mask: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = Math.min(255, Math.round((mask[i] ? 150 : 30) + r() * 60));
  return out;
}

export interface InstanceCase {
  input: Uint8Array;
  truth: Uint16Array;
  prediction: Uint16Array;
  size: number;
}

/** A 256×256 image with 36 objects; the prediction shifts and resizes some, misses two and adds one. */
export function instanceCase(seed: number): InstanceCase {
  const r = rng(seed);
  const size = 256;
  const truthDiscs = discs(r, size, 6).map((d, i) => ({ ...d, label: i + 1 }));
  const truth = new Uint16Array(size * size);
  paintDiscs(truth, size, truthDiscs);
  const predDiscs = truthDiscs
    .filter((_, i) => i !== 4 && i !== 17)
    .map((d, i) => ({ y: d.y + Math.round((r() - 0.5) * 4), x: d.x + Math.round((r() - 0.5) * 4), r: Math.max(3, d.r + Math.round((r() - 0.5) * 3)), label: 300 + i }));
  predDiscs.push({ y: 8, x: 8, r: 5, label: 999 });
  const prediction = new Uint16Array(size * size);
  paintDiscs(prediction, size, predDiscs);
  return { input: greyInput(r, truth), truth, prediction, size };
}

const THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

function matchingAt(r: () => number, quality: number) {
  return Object.fromEntries(
    THRESHOLDS.map((t) => {
      const nTrue = 36;
      const tp = Math.max(0, Math.round(nTrue * quality * (1 - t ** 3) - r() * 2));
      const nPred = 35;
      const precision = tp / nPred;
      const recall = tp / nTrue;
      return [
        String(t),
        { tp, fp: nPred - tp, fn: nTrue - tp, precision, recall, accuracy: tp / (nTrue + nPred - tp), f1: (2 * tp) / (nTrue + nPred), n_true: nTrue, n_pred: nPred, mean_true_score: quality * 0.8, panoptic_quality: quality * 0.7 },
      ];
    }),
  );
}

function baseData(workflow: ReportData['workflow'], seed: number): Omit<ReportData, 'images' | 'metrics' | 'curves'> {
  return {
    title: `biaflow run — ${workflow.name}`,
    created: '2025-03-14T09:26:53.000Z',
    command: `biaflow train --config examples/configs/${workflow.name}.yaml --run-dir runs/${workflow.name}-1`,
    runDir: `/home/user/runs/${workflow.name}-1`,
    config: {
      problem: { type: workflow.name, ndim: 2 },
      data: { train: { images: 'data/train/images', labels: 'data/train/labels' }, patch_size: [256, 256], normalization: { type: 'percentile', lower: 1, upper: 99.8 } },
      model: { architecture: 'unet', filters: [16, 32, 64, 128], dropout: null, batch_norm: true },
      train: { epochs: EPOCHS, batch_size: 4, optimizer: { name: 'adam', lr: 0.001 }, early_stopping: { patience: 10 } },
    },
    versions: { '@biaflow/core': '0.1.0', '@tensorflow/tfjs': '4.22.0', node: 'v20.19.0' },
    backend: { name: 'wasm', threads: 2 },
    workflow,
    epochs: trainingLog(seed),
  };
}

/** Instance segmentation: 12 scored images, the worst and best two drawn. */
export function instanceReport(): { data: ReportData; cases: InstanceCase[] } {
  const r = rng(7);
  const names = Array.from({ length: 12 }, (_, i) => `cells_${String(i + 1).padStart(2, '0')}.tif`);
  const quality = names.map(() => 0.55 + 0.4 * r());
  const perImage = names.map((image, i) => ({ image, matching: matchingAt(r, quality[i]) }));
  const f1 = perImage.map((row) => row.matching['0.5'].f1 as number);
  const order = f1.map((_, i) => i).sort((a, b) => f1[a] - f1[b]);
  const chosen = [order[0], order[order.length - 1]];
  const cases = chosen.map((_, k) => instanceCase(100 + k));
  const images: ReportImage[] = chosen.map((idx, k) => ({
    name: names[idx],
    role: k === 0 ? 'worst' : 'best',
    value: f1[idx],
    width: cases[k].size,
    height: cases[k].size,
    input: encodePixels(cases[k].input, 1),
    overlay: { kind: 'instances', truth: encodeLabels(cases[k].truth), prediction: encodeLabels(cases[k].prediction) },
  }));
  const overall = { matching: matchingAt(r, 0.8) };
  const data: ReportData = {
    ...baseData({ name: 'instance', output: 'labels', mainFigure: { key: 'matching.0.5.f1', label: 'F1 at IoU 0.5', higherIsBetter: true } }, 3),
    metrics: { overall, per_image: perImage },
    curves: (['f1', 'precision', 'recall'] as const).map((m) => ({
      name: m,
      x: THRESHOLDS,
      y: THRESHOLDS.map((t) => overall.matching[String(t)][m] as number),
      xLabel: 'IoU threshold',
      yLabel: 'score',
    })),
    images,
  };
  return { data, cases };
}

export interface PointCase {
  input: Uint8Array;
  size: number;
  truth: ReportPoint[];
  predicted: ReportPoint[];
  matches: [number, number][];
  missed: number;
  falsePositives: number;
}

/**
 * 256×256 with 30 spots on a jittered grid (≥ 36 px apart, ≥ 20 px from the edge): true points 3
 * and 11 are missed, the predictions of the others are off by ≤ 2 px, and three false predictions
 * sit ≥ 18 px from any other point — so markers of different pairs never touch or get clipped.
 */
export function pointCase(seed: number): PointCase {
  const r = rng(seed);
  const size = 256;
  const truth: ReportPoint[] = [];
  for (let gy = 0; gy < 5; gy++) for (let gx = 0; gx < 6; gx++) truth.push([24 + gy * 48 + Math.round(r() * 6), 20 + gx * 42 + Math.round(r() * 6)]);
  const missedSet = new Set([3, 11]);
  const predicted: ReportPoint[] = [];
  const matches: [number, number][] = [];
  truth.forEach((p, i) => {
    if (missedSet.has(i)) return;
    matches.push([i, predicted.length]);
    predicted.push([p[0] + Math.round((r() - 0.5) * 4), p[1] + Math.round((r() - 0.5) * 4)]);
  });
  const falsePoints: ReportPoint[] = [[48, 40], [144, 124], [192, 208]];
  predicted.push(...falsePoints);
  const mask = new Uint8Array(size * size);
  for (const [y, x] of truth) for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) if (dy * dy + dx * dx <= 9) mask[(y + dy) * size + x + dx] = 1;
  return { input: greyInput(r, mask), size, truth, predicted, matches, missed: missedSet.size, falsePositives: falsePoints.length };
}

export function pointReport(): { data: ReportData; cases: PointCase[] } {
  const r = rng(11);
  const cases = [pointCase(21), pointCase(22)];
  const names = Array.from({ length: 8 }, (_, i) => `spots_${i + 1}.tif`);
  const perImage = names.map((image) => {
    const tp = 20 + Math.floor(r() * 9);
    return { image, tp, fp: 3, fn: 30 - tp, precision: tp / (tp + 3), recall: tp / 30, f1: (2 * tp) / (tp + 3 + 30) };
  });
  const data: ReportData = {
    ...baseData({ name: 'detection', output: 'points', mainFigure: { key: 'f1', label: 'F1', higherIsBetter: true } }, 5),
    metrics: { overall: { tp: 200, fp: 24, fn: 40, precision: 0.893, recall: 0.833, f1: 0.862, tolerance: 3, images: 8 }, per_image: perImage },
    images: cases.map((c, k) => ({
      name: names[k],
      role: k === 0 ? 'worst' : 'best',
      value: perImage[k].f1,
      width: c.size,
      height: c.size,
      input: encodePixels(c.input, 1),
      overlay: { kind: 'points', truth: c.truth, predicted: c.predicted, matches: c.matches },
    })),
  };
  return { data, cases };
}

/** 64×64 RGB tiles of three classes; image 0 is classified right, image 1 wrong, image 2 has no truth. */
export function classReport(): { data: ReportData; inputs: Uint8Array[] } {
  const r = rng(31);
  const classes = ['mitosis', 'interphase', 'apoptosis'];
  const inputs = [0, 1, 2].map(() => Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => 40 + (i % 3) * 30 + Math.floor(r() * 60)));
  const truth = ['mitosis', 'interphase', null];
  const predicted = ['mitosis', 'apoptosis', 'interphase'];
  const names = Array.from({ length: 10 }, (_, i) => `tile_${i}.png`);
  const perImage = names.map((image, i) => ({ image, true: classes[i % 3], predicted: classes[(i * 2) % 3], correct: i % 3 === (i * 2) % 3 }));
  const data: ReportData = {
    ...baseData({ name: 'classification', output: 'classes', mainFigure: { key: 'correct', label: 'correct', higherIsBetter: true } }, 9),
    metrics: {
      overall: {
        accuracy: 0.8,
        macro_f1: 0.78,
        precision: { mitosis: 0.9, interphase: 0.75, apoptosis: 0.7 },
        recall: { mitosis: 0.85, interphase: 0.8, apoptosis: 0.66 },
        f1: { mitosis: 0.87, interphase: 0.77, apoptosis: 0.68 },
        confusion_matrix: [[17, 2, 1], [1, 16, 3], [0, 3, 7]],
        classes,
        images: 50,
      },
      per_image: perImage,
    },
    images: inputs.map((input, k) => ({
      name: names[k],
      role: ['right', 'wrong', 'unscored'][k],
      value: truth[k] === null ? null : truth[k] === predicted[k] ? 1 : 0,
      width: 64,
      height: 64,
      input: encodePixels(input, 3),
      overlay: { kind: 'classes', truth: truth[k], predicted: predicted[k], scores: { mitosis: 0.7 - 0.3 * k, interphase: 0.2 + 0.2 * k, apoptosis: 0.1 + 0.1 * k } },
    })),
  };
  return { data, inputs };
}

export interface SemanticCase {
  input: Uint8Array;
  truth: Uint8Array;
  prediction: Uint8Array;
  size: number;
}

/** 256×256, classes 0 (background), 1 (nucleus), 2 (membrane ring); the prediction over- and under-segments. */
export function semanticCase(seed: number): SemanticCase {
  const r = rng(seed);
  const size = 256;
  const list = discs(r, size, 5);
  const truth = new Uint8Array(size * size);
  const prediction = new Uint8Array(size * size);
  paintDiscs(truth, size, list.map((d) => ({ ...d, r: d.r + 2, label: 2 })));
  paintDiscs(truth, size, list.map((d) => ({ ...d, label: 1 })));
  paintDiscs(prediction, size, list.filter((_, i) => i % 7 !== 3).map((d) => ({ ...d, r: d.r + 3, label: 2 })));
  paintDiscs(prediction, size, list.filter((_, i) => i % 7 !== 3).map((d) => ({ ...d, x: d.x + 1, r: d.r - 1, label: 1 })));
  return { input: greyInput(r, truth), truth, prediction, size };
}

export function semanticReport(): { data: ReportData; cases: SemanticCase[] } {
  const r = rng(41);
  const cases = [semanticCase(51), semanticCase(52)];
  const names = Array.from({ length: 6 }, (_, i) => `tissue_${i + 1}.tif`);
  const perImage = names.map((image) => {
    const iou = { '0': 0.95 + 0.04 * r(), '1': 0.6 + 0.3 * r(), '2': 0.4 + 0.4 * r() };
    return { image, iou, foreground_iou: (iou['1'] + iou['2']) / 2 };
  });
  const data: ReportData = {
    ...baseData({ name: 'semantic', output: 'labels', mainFigure: { key: 'foreground_iou', label: 'foreground IoU', higherIsBetter: true } }, 13),
    metrics: { overall: { iou: { '0': 0.97, '1': 0.74, '2': 0.58 }, foreground_iou: 0.69 }, per_image: perImage },
    images: cases.map((c, k) => ({
      name: names[k],
      role: k === 0 ? 'worst' : 'best',
      value: perImage[k].foreground_iou,
      width: c.size,
      height: c.size,
      input: encodePixels(c.input, 1),
      overlay: { kind: 'semantic', truth: encodeLabels(c.truth), prediction: encodeLabels(c.prediction), classNames: ['background', 'nucleus', 'membrane'] },
    })),
  };
  return { data, cases };
}
