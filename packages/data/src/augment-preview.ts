import path from 'node:path';
import type { NdArray } from '@biaflow/image';
import type { Sample } from '@biaflow/core/internals';
import { writeFileAtomic } from '@biaflow/core/internals';
import { AUGMENT_PREVIEW_LOG } from '@biaflow/core/internals';
import { percentiles, pointMask } from '@biaflow/image';
import { stemOf } from '@biaflow/core';
import type { BatchBuilder } from './training-data';

/** Writes one 8-bit grey PNG `[y, x]`. */
export type WritePng = (file: string, image: NdArray<Uint8Array>) => Promise<void>;

export interface PreviewOptions {
  /** Number of training samples to show. */
  count: number;
  ndim: 2 | 3;
  writePng: WritePng;
}

/**
 * For the first `count` samples of the first training epoch, write what the network would see
 * before and after augmentation: `NN-<stem>-before.png` and `NN-<stem>-after.png`, each the image
 * (left) beside its label (right; points drawn at their pixels); the middle plane for volumes, the first channel for
 * multi-channel images. Both use the "before" image's 0.5–99.5 percentile range, so intensity
 * augmentations show. `augment-preview.json` lists the augmentations applied to each sample.
 */
export async function writeAugmentPreview(batches: BatchBuilder, outDir: string, options: PreviewOptions): Promise<string[]> {
  const written: string[] = [];
  const log: { sample: string; before: string; after: string; augmentations: string[] }[] = [];
  for (let k = 0; k < options.count; k++) {
    const { before, after, applied } = await batches.trainingSample(0, Math.floor(k / batches.batchSize), k % batches.batchSize);
    const [lo, hi] = percentiles(plane(before.image, options.ndim, true).data, [0.5, 99.5]);
    const labelMax = Math.max(maxOf(labelOf(before, options.ndim)), maxOf(labelOf(after, options.ndim)));
    const base = `${String(k + 1).padStart(2, '0')}-${stemOf(before.name.replace(/\//g, '_'))}`;
    const files = { before: `${base}-before.png`, after: `${base}-after.png` };
    for (const [which, sample] of [
      ['before', before],
      ['after', after],
    ] as const) {
      const file = path.join(outDir, files[which]);
      await options.writePng(file, render(sample, options.ndim, lo, hi, labelMax));
      written.push(file);
    }
    log.push({ sample: before.name, ...files, augmentations: applied });
  }
  const json = path.join(outDir, AUGMENT_PREVIEW_LOG);
  await writeFileAtomic(json, `${JSON.stringify(log, null, 2)}\n`);
  written.push(json);
  return written;
}

/** The label to show: the label image, or the points drawn at their pixels. */
function labelOf(sample: Sample, ndim: 2 | 3): NdArray | undefined {
  return sample.label ?? (sample.points ? pointMask(sample.points, sample.image.shape.slice(0, ndim)) : undefined);
}

function maxOf(label: NdArray | undefined): number {
  if (!label) return 0;
  let m = 0;
  for (let i = 0; i < label.data.length; i++) if (label.data[i] > m) m = label.data[i];
  return m;
}

/** The middle z plane and first channel of a channels-last array (`hasChannels`) or a label. */
function plane(array: NdArray, ndim: 2 | 3, hasChannels: boolean): NdArray {
  const spatial = array.shape.slice(0, ndim);
  const inner = hasChannels ? array.data.length / spatial.reduce((a, b) => a * b, 1) : 1;
  const [Y, X] = spatial.slice(-2);
  const z = ndim === 3 ? Math.floor(spatial[0] / 2) : 0;
  const out = new Float32Array(Y * X);
  for (let i = 0; i < Y * X; i++) out[i] = array.data[(z * Y * X + i) * inner];
  return { data: out, shape: [Y, X] };
}

/** Image beside label, 8-bit. Labels: 0 black; binary masks white; several values spread over 80–255. */
function render(sample: Sample, ndim: 2 | 3, lo: number, hi: number, labelMax: number): NdArray<Uint8Array> {
  const img = plane(sample.image, ndim, true);
  const [Y, X] = img.shape;
  const shown = labelOf(sample, ndim);
  const label = shown ? plane(shown, ndim, false) : undefined;
  const W = label ? 2 * X + 4 : X;
  const out = new Uint8Array(Y * W);
  const span = hi > lo ? hi - lo : 1;
  for (let y = 0; y < Y; y++) {
    for (let x = 0; x < X; x++) {
      const v = (img.data[y * X + x] - lo) / span;
      out[y * W + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
      if (label) {
        const l = label.data[y * X + x];
        out[y * W + X + 4 + x] = l === 0 ? 0 : labelMax <= 1 ? 255 : 80 + Math.round((175 * l) / labelMax);
      }
    }
    if (label) out.fill(128, y * W + X, y * W + X + 4);
  }
  return { data: out, shape: [Y, W] };
}
