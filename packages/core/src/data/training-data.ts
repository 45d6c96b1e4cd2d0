import type { AugmentSettings } from '../config/sections/augment';
import type { Batch, TrainingData } from '../engine/training/training-data';
import type { NdArray } from '@biaflow/image';
import type { KernelHooks } from '../kernel/hooks';
import type { ProblemType, RunEvent, Sample } from '../kernel/stages';
import { augmentSample } from './augment/augment-sample';
import type { ExampleStore, LoadedExample } from './example-store';
import { extractBox, sizeOf } from '@biaflow/image';
import type { ImageNormalizer } from './normalization';
import { samplePatchOrigin } from './patches';
import { deriveSeed, Rng } from './random';
import { planAxis } from './tiling';

/** A training batch (`x` `[b, ...patch, c]`, `y` `[b, ...target]`, float32) and the image each sample came from. */
export interface NamedBatch extends Batch {
  names: string[];
}

/**
 * The engine's `TrainingData` (batch(epoch, step) a pure function of (seed, epoch, step);
 * `validation()` the same batches every time, absent without validation data), plus random
 * access to validation batches.
 */
export interface TrainingBatches extends TrainingData {
  readonly batchSize: number;
  readonly validationSteps: number;
  batch(epoch: number, step: number): Promise<NamedBatch>;
  validationBatch(index: number): Promise<NamedBatch>;
  validation?(): AsyncIterable<NamedBatch>;
}

/** Lifecycle hooks the batch builder calls (a run's kernel hooks, or none outside a run). */
export interface SampleHooks {
  hooks: Pick<KernelHooks, 'augment' | 'preprocess'>;
  event: RunEvent;
}

export interface BatchBuilderOptions {
  problem: ProblemType;
  ndim: 2 | 3;
  patchSize: readonly number[];
  batchSize: number;
  seed: number;
  train: ExampleStore;
  val: ExampleStore;
  normalizer: ImageNormalizer;
  augment: AugmentSettings;
  /** Probability of a patch over foreground (`data.sampling.foreground_probability`). */
  foregroundProbability: number;
  /** Patches per epoch; default: enough to cover each training image once. */
  patchesPerEpoch?: number;
  /** Class names (classification): targets are one-hot over them. */
  classes?: readonly string[];
  /** The run's hooks: plugins' `augment` taps and the workflow's `preprocess[problem]`. */
  hooks?: SampleHooks;
}

/**
 * Builds training and validation batches: patch sampling → per-patch or per-image normalization →
 * core augmentation → plugins' `augment` taps → the workflow's `preprocess` (label → target).
 *
 * Core's augmentation is applied here directly rather than registered as a tap, so it always runs
 * first and is switched by `augment.enabled`; plugins tap `augment` to add theirs after it (or set
 * `augment.enabled: false` and do all of it). Augmentation runs before `preprocess`, so targets
 * derived from labels (contours, distance maps) are computed on the augmented label, never
 * interpolated.
 */
export class BatchBuilder implements TrainingBatches {
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  readonly validationSteps: number;
  /** Training image of each patch slot of an epoch (an image appears once per patch it covers). */
  private readonly slots: number[];
  private readonly patchesPerEpoch: number;
  private readonly validationPatches: { index: number; origin: number[] }[] = [];
  private orderCache: { epoch: number; order: number[] } | undefined;

  constructor(private readonly o: BatchBuilderOptions) {
    if (o.train.size === 0) throw new RangeError('no training images');
    this.batchSize = o.batchSize;
    const patchVoxels = sizeOf(o.patchSize);
    this.slots = [];
    o.train.items.forEach((_, i) => {
      const voxels = sizeOf(o.train.spatialShape(i));
      const n = o.problem === 'classification' ? 1 : Math.max(1, Math.ceil(voxels / patchVoxels));
      for (let k = 0; k < n; k++) this.slots.push(i);
    });
    this.patchesPerEpoch = o.patchesPerEpoch ?? this.slots.length;
    this.stepsPerEpoch = Math.max(1, Math.ceil(this.patchesPerEpoch / this.batchSize));
    o.val.items.forEach((_, index) => {
      const spatial = o.val.spatialShape(index);
      if (o.problem === 'classification') {
        this.validationPatches.push({ index, origin: spatial.map((n, d) => Math.floor((n - o.patchSize[d]) / 2)) });
        return;
      }
      const starts = spatial.map((n, d) => planAxis(n, o.patchSize[d], 0, 0).starts);
      for (const origin of cartesian(starts)) this.validationPatches.push({ index, origin });
    });
    this.validationSteps = Math.ceil(this.validationPatches.length / this.batchSize);
    if (this.validationSteps > 0) {
      const self = this;
      this.validation = async function* () {
        for (let i = 0; i < self.validationSteps; i++) yield await self.validationBatch(i);
      };
    }
  }


  /** The training image order of an epoch: the patch slots, shuffled by (seed, epoch). */
  private order(epoch: number): number[] {
    if (this.orderCache?.epoch === epoch) return this.orderCache.order;
    const order = new Rng(deriveSeed(this.o.seed, 'epoch-order', epoch)).shuffle([...this.slots]);
    this.orderCache = { epoch, order };
    return order;
  }

  async batch(epoch: number, step: number): Promise<NamedBatch> {
    const samples: Sample[] = [];
    for (let i = 0; i < this.batchSize; i++) samples.push(await this.preprocess((await this.trainingSample(epoch, step, i)).after));
    return this.stack(samples);
  }

  /**
   * Sample `i` of training batch (epoch, step), before and after augmentation (core's, then the
   * plugins' taps); `applied` names core's augmentations. Used by batches and `augment-preview`.
   */
  async trainingSample(epoch: number, step: number, i: number): Promise<{ before: Sample; after: Sample; applied: string[] }> {
    const order = this.order(epoch);
    const k = step * this.batchSize + i;
    const example = await this.o.train.get(order[k % order.length]);
    const rng = new Rng(deriveSeed(this.o.seed, 'patch', epoch, step, i));
    const spatial = example.image.shape.slice(0, this.o.ndim);
    const origin = samplePatchOrigin(spatial, this.o.patchSize, rng, this.o.foregroundProbability, example.foreground);
    const before = this.cut(example, origin);
    const applied: string[] = [];
    let after = before;
    if (this.o.augment.enabled) after = augmentSample(before, this.o.augment, deriveSeed(this.o.seed, 'augment', epoch, step, i), this.o.ndim, applied);
    const hooks = this.o.hooks;
    if (hooks?.hooks.augment.isUsed()) after = await hooks.hooks.augment.promise(after, hooks.event);
    return { before, after, applied };
  }

  async validationBatch(index: number): Promise<NamedBatch> {
    const part = this.validationPatches.slice(index * this.batchSize, (index + 1) * this.batchSize);
    if (part.length === 0) throw new RangeError(`validation batch ${index} does not exist (there are ${this.validationSteps})`);
    const samples: Sample[] = [];
    for (const { index: i, origin } of part) samples.push(await this.preprocess(this.cut(await this.o.val.get(i), origin)));
    return this.stack(samples);
  }

  /** Every validation batch, in the same order each time; undefined without validation data. */
  readonly validation?: () => AsyncIterable<NamedBatch>;

  /** A normalized patch of an example (and its label). */
  private cut(example: LoadedExample, origin: number[]): Sample {
    const { ndim, patchSize, normalizer } = this.o;
    const raw = extractBox(example.image, ndim, origin, patchSize);
    const image = normalizer.apply(raw, example.stats);
    const sample: Sample = { name: example.item.name, image };
    if (example.label) sample.label = extractBox(example.label, ndim, origin, patchSize);
    if (example.item.classIndex !== undefined) sample.classIndex = example.item.classIndex;
    if (example.spacing) sample.spacing = example.spacing;
    return sample;
  }

  /** The workflow's `preprocess` sets the target; without one, a default target. */
  private async preprocess(sample: Sample): Promise<Sample> {
    const hook = this.o.hooks?.hooks.preprocess.get(this.o.problem);
    if (hook?.isUsed()) sample = await hook.promise(sample, this.o.hooks!.event);
    if (!sample.target) sample = { ...sample, target: this.defaultTarget(sample) };
    return sample;
  }

  /** One-hot class for classification; the label as one float channel otherwise. */
  private defaultTarget(sample: Sample): NdArray {
    if (this.o.problem === 'classification') {
      const n = this.o.classes?.length ?? 0;
      const t = new Float32Array(n);
      if (sample.classIndex !== undefined) t[sample.classIndex] = 1;
      return { data: t, shape: [n] };
    }
    if (!sample.label) throw new RangeError(`${sample.name}: no label to train on`);
    return { data: Float32Array.from(sample.label.data as ArrayLike<number>), shape: [...sample.label.shape.slice(0, this.o.ndim), 1] };
  }

  private stack(samples: Sample[]): NamedBatch {
    const first = samples[0];
    const xShape = first.image.shape;
    const yShape = (first.target as NdArray).shape;
    const x = new Float32Array(samples.length * sizeOf(xShape));
    const y = new Float32Array(samples.length * sizeOf(yShape));
    samples.forEach((s, i) => {
      const t = s.target as NdArray;
      if (s.image.shape.join() !== xShape.join() || t.shape.join() !== yShape.join()) {
        throw new RangeError(
          `${s.name}: sample shapes differ within a batch (image [${s.image.shape.join(', ')}] vs [${xShape.join(', ')}], target [${t.shape.join(', ')}] vs [${yShape.join(', ')}]); an augment or preprocess tap changed a shape`,
        );
      }
      x.set(s.image.data as ArrayLike<number>, i * sizeOf(xShape));
      y.set(t.data as ArrayLike<number>, i * sizeOf(yShape));
    });
    return { x: { data: x, shape: [samples.length, ...xShape] }, y: { data: y, shape: [samples.length, ...yShape] }, names: samples.map((s) => s.name) };
  }
}

function cartesian(axes: number[][]): number[][] {
  return axes.reduce<number[][]>((acc, values) => acc.flatMap((prefix) => values.map((v) => [...prefix, v])), [[]]);
}
