import type { Batch, TrainingData } from '@biaflow/core/internals';
import type { NdArray } from '@biaflow/image';
import type { RandomSource } from '@biaflow/image';
import type { KernelHooks } from '@biaflow/core/internals';
import type { RunEvent, Sample } from '@biaflow/core/internals';
import type { ExampleStore, LoadedExample } from './example-store';
import { cropPoints, extractBox, pointMask, sizeOf } from '@biaflow/image';
import type { ImageNormalizer } from '@biaflow/image';
import { samplePatchOrigin } from '@biaflow/image';
import { coreRandom, deriveSeed } from '@biaflow/image';
import { planAxis } from '@biaflow/image';

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
  /** The workflow whose `preprocess[workflow]` prepares each sample (`problem.type`). */
  workflow: string;
}

export interface BatchBuilderOptions {
  /** Each image is one sample (one patch per epoch, the centred patch for validation), as the data layout says. */
  wholeImages: boolean;
  ndim: 2 | 3;
  patchSize: readonly number[];
  batchSize: number;
  seed: number;
  train: ExampleStore;
  val: ExampleStore;
  normalizer: ImageNormalizer;
  /** Where patch positions and the epoch order are drawn from; default core's. */
  random?: RandomSource;
  /** Probability of a patch over foreground (`data.sampling.foreground_probability`). */
  foregroundProbability: number;
  /** Patches per epoch; default: enough to cover each training image once. */
  patchesPerEpoch?: number;
  /** Class names (data in class folders), passed to the workflow's `preprocess` with each sample. */
  classes?: readonly string[];
  /** The run's hooks: `augment` (core's augmentation and plugins') and the workflow's `preprocess[workflow]`. */
  hooks?: SampleHooks;
}

/**
 * Builds training and validation batches: patch sampling → per-patch or per-image normalization →
 * the `augment` hook (core's augmentation is its first tap, switched by `augment.enabled`; plugins
 * tap after it, or replace it) → the workflow's `preprocess` (label → target).
 *
 * Augmentation runs before `preprocess`, so targets derived from labels (contours, distance maps)
 * are computed on the augmented label, never interpolated. Point annotations travel as coordinates
 * (`sample.points`): cut and augmented as coordinates, drawn into a target only by `preprocess`.
 * Validation samples are not augmented.
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
      const n = o.wholeImages ? 1 : Math.max(1, Math.ceil(voxels / patchVoxels));
      for (let k = 0; k < n; k++) this.slots.push(i);
    });
    this.patchesPerEpoch = o.patchesPerEpoch ?? this.slots.length;
    this.stepsPerEpoch = Math.max(1, Math.ceil(this.patchesPerEpoch / this.batchSize));
    o.val.items.forEach((_, index) => {
      const spatial = o.val.spatialShape(index);
      if (o.wholeImages) {
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
    const order = this.random.generator(this.o.seed, 'epoch-order', epoch).shuffle([...this.slots]);
    this.orderCache = { epoch, order };
    return order;
  }

  async batch(epoch: number, step: number): Promise<NamedBatch> {
    const samples: Sample[] = [];
    for (let i = 0; i < this.batchSize; i++) {
      samples.push(await this.preprocess((await this.trainingSample(epoch, step, i)).after, deriveSeed(this.o.seed, 'sample', epoch, step, i)));
    }
    return this.stack(samples);
  }

  /**
   * Sample `i` of training batch (epoch, step), before and after the `augment` hook; `applied`
   * names the augmentations its taps applied. Used by batches and `augment-preview`.
   */
  async trainingSample(epoch: number, step: number, i: number): Promise<{ before: Sample; after: Sample; applied: string[] }> {
    const order = this.order(epoch);
    const k = step * this.batchSize + i;
    const example = await this.o.train.get(order[k % order.length]);
    const rng = this.random.generator(this.o.seed, 'patch', epoch, step, i);
    const spatial = example.image.shape.slice(0, this.o.ndim);
    const origin = samplePatchOrigin(spatial, this.o.patchSize, rng, this.o.foregroundProbability, example.foreground);
    const before = this.cut(example, origin);
    const applied: string[] = [];
    let after = before;
    const hooks = this.o.hooks;
    if (hooks?.hooks.augment.isUsed()) {
      after = await hooks.hooks.augment.promise(before, { ...hooks.event, seed: deriveSeed(this.o.seed, 'augment', epoch, step, i), applied });
    }
    return { before, after, applied };
  }

  async validationBatch(index: number): Promise<NamedBatch> {
    const part = this.validationPatches.slice(index * this.batchSize, (index + 1) * this.batchSize);
    if (part.length === 0) throw new RangeError(`validation batch ${index} does not exist (there are ${this.validationSteps})`);
    const samples: Sample[] = [];
    for (const [k, { index: i, origin }] of part.entries()) {
      samples.push(await this.preprocess(this.cut(await this.o.val.get(i), origin), deriveSeed(this.o.seed, 'validation-sample', index * this.batchSize + k)));
    }
    return this.stack(samples);
  }

  /** Every validation batch, in the same order each time; undefined without validation data. */
  readonly validation?: () => AsyncIterable<NamedBatch>;

  /** A normalized patch of an example (and its label, or its points in the patch's coordinates). */
  private cut(example: LoadedExample, origin: number[]): Sample {
    const { ndim, patchSize, normalizer } = this.o;
    const raw = extractBox(example.image, ndim, origin, patchSize);
    const image = normalizer.apply(raw, example.stats);
    const sample: Sample = { name: example.item.name, image };
    if (example.label) sample.label = extractBox(example.label, ndim, origin, patchSize);
    if (example.points) sample.points = cropPoints(example.points, origin, patchSize, example.image.shape.slice(0, ndim)).points;
    if (example.item.classIndex !== undefined) sample.classIndex = example.item.classIndex;
    if (example.spacing) sample.spacing = example.spacing;
    return sample;
  }

  /** The workflow's `preprocess` sets the target; without one, the label is the target. */
  private async preprocess(sample: Sample, seed: number): Promise<Sample> {
    const hooks = this.o.hooks;
    const hook = hooks?.hooks.preprocess.get(hooks.workflow);
    if (hooks && hook?.isUsed()) sample = await hook.promise(sample, { ...hooks.event, seed, classes: this.o.classes });
    if (!sample.target) sample = { ...sample, target: this.labelAsTarget(sample) };
    return sample;
  }

  /** The label as one float channel (points: each point's class at its pixel, `pointMask`). */
  private labelAsTarget(sample: Sample): NdArray {
    const label = sample.label ?? (sample.points ? pointMask(sample.points, sample.image.shape.slice(0, this.o.ndim)) : undefined);
    if (!label) throw new RangeError(`${sample.name}: no label to train on, and no workflow set a target`);
    return { data: Float32Array.from(label.data as ArrayLike<number>), shape: [...label.shape.slice(0, this.o.ndim), 1] };
  }

  private get random(): RandomSource {
    return this.o.random ?? coreRandom;
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
