import { InputError } from '@biaflow/core';
import type { NdArray } from '@biaflow/image';
import { SeededRandom } from '@biaflow/image';
import type { Batch, TrainingData } from '@biaflow/core';

/** One example: image `[...spatial, Cin]`; target `[...spatial, Cout]`, or `[Cout]` for classifiers. */
export interface TrainingSample {
  image: NdArray;
  target: NdArray;
}

/** A change applied to one training patch, drawn from `random` (which is derived from seed, epoch, step and slot). */
export type SampleTransform = (sample: { image: NdArray<Float32Array>; target: NdArray<Float32Array> }, random: SeededRandom) => {
  image: NdArray<Float32Array>;
  target: NdArray<Float32Array>;
};

export interface InMemoryDataOptions {
  train: TrainingSample[];
  validation?: TrainingSample[];
  batchSize: number;
  /** Spatial patch size cut at a random position from each training sample; default: whole samples (all the same size). */
  patchSize?: number[];
  seed: number;
  /** Default: enough steps to see every training sample once per epoch. */
  stepsPerEpoch?: number;
  /** Optional augmentation of each training patch. */
  transform?: SampleTransform;
}

const size = (shape: number[]) => shape.reduce((a, v) => a * v, 1);

function toFloat(a: NdArray): NdArray<Float32Array> {
  return { data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number>), shape: a.shape.slice() };
}

/** Cut `[...size, C]` starting at `origin` out of `[...spatial, C]`. */
export function cropPatch(a: NdArray<Float32Array>, origin: number[], patch: number[]): NdArray<Float32Array> {
  const nd = patch.length;
  const c = a.shape[nd];
  const strides = Array<number>(nd);
  let s = c;
  for (let i = nd - 1; i >= 0; i--) {
    strides[i] = s;
    s *= a.shape[i];
  }
  const out = new Float32Array(size(patch) * c);
  const row = patch[nd - 1] * c;
  const idx = Array<number>(Math.max(0, nd - 1)).fill(0);
  let o = 0;
  for (;;) {
    let from = origin[nd - 1] * c;
    for (let i = 0; i < nd - 1; i++) from += (origin[i] + idx[i]) * strides[i];
    out.set(a.data.subarray(from, from + row), o);
    o += row;
    let i = nd - 2;
    while (i >= 0 && ++idx[i] === patch[i]) idx[i--] = 0;
    if (i < 0) break;
  }
  return { data: out, shape: [...patch, c] };
}

function stack(items: NdArray<Float32Array>[]): NdArray<Float32Array> {
  const per = items[0].data.length;
  const data = new Float32Array(per * items.length);
  items.forEach((it, i) => {
    if (it.data.length !== per) throw new InputError(`cannot batch samples of shapes [${items[0].shape}] and [${it.shape}]`);
    data.set(it.data, i * per);
  });
  return { data, shape: [items.length, ...items[0].shape] };
}

/**
 * Training data held in memory: batches of random patches from a list of samples. Which sample
 * fills slot `i` of step `s` in epoch `e`, where its patch is cut and how it is transformed are all
 * drawn from `(seed, e, s, i)`, so `batch(e, s)` is a pure function (the `TrainingData` contract).
 * Every sample is seen once per pass through a fresh permutation; an epoch longer than one pass
 * continues with the next permutation.
 */
export class InMemoryTrainingData implements TrainingData {
  readonly stepsPerEpoch: number;
  private readonly train: { image: NdArray<Float32Array>; target: NdArray<Float32Array> }[];
  private readonly val: { image: NdArray<Float32Array>; target: NdArray<Float32Array> }[];
  private readonly ndim: number;
  private valBatches?: Batch[];

  constructor(private readonly options: InMemoryDataOptions) {
    if (options.train.length === 0) throw new InputError('no training samples');
    if (!(options.batchSize >= 1)) throw new InputError(`batch size must be at least 1 (got ${options.batchSize})`);
    this.train = options.train.map((s) => ({ image: toFloat(s.image), target: toFloat(s.target) }));
    this.val = (options.validation ?? []).map((s) => ({ image: toFloat(s.image), target: toFloat(s.target) }));
    this.ndim = this.train[0].image.shape.length - 1;
    const patch = options.patchSize;
    if (patch && patch.length !== this.ndim) throw new InputError(`patch size [${patch}] has ${patch.length} axes but the images have ${this.ndim} spatial axes`);
    for (const [i, s] of this.train.entries()) {
      const spatial = s.image.shape.slice(0, -1);
      if (patch && spatial.some((n, a) => n < patch[a])) {
        throw new InputError(`training sample ${i} ([${spatial}]) is smaller than the patch size [${patch}]`, { hint: 'pad small images or lower data.patch_size' });
      }
      const segTarget = s.target.shape.length > 1;
      if (segTarget && s.target.shape.slice(0, -1).some((n, a) => n !== spatial[a])) {
        throw new InputError(`training sample ${i}: target [${s.target.shape}] does not match image [${s.image.shape}] spatially`);
      }
    }
    this.stepsPerEpoch = options.stepsPerEpoch ?? Math.ceil(this.train.length / options.batchSize);
  }

  private order?: { key: string; permutation: number[] };

  /** Sample index at position k of the epoch's sequence of passes (each pass a fresh permutation). */
  private sampleAt(epoch: number, k: number): number {
    const n = this.train.length;
    const pass = Math.floor(k / n);
    const key = `${epoch}/${pass}`;
    if (this.order?.key !== key) this.order = { key, permutation: new SeededRandom(this.options.seed, 'order', epoch, pass).permutation(n) };
    return this.order.permutation[k % n];
  }

  batch(epoch: number, step: number): Batch {
    const { batchSize, patchSize, seed, transform } = this.options;
    const xs: NdArray<Float32Array>[] = [];
    const ys: NdArray<Float32Array>[] = [];
    for (let slot = 0; slot < batchSize; slot++) {
      const sample = this.train[this.sampleAt(epoch, step * batchSize + slot)];
      const random = new SeededRandom(seed, 'patch', epoch, step, slot);
      let image = sample.image;
      let target = sample.target;
      if (patchSize) {
        const spatial = image.shape.slice(0, -1);
        const origin = spatial.map((n, a) => random.int(n - patchSize[a] + 1));
        image = cropPatch(image, origin, patchSize);
        if (target.shape.length > 1) target = cropPatch(target, origin, patchSize);
      }
      if (transform) ({ image, target } = transform({ image, target }, new SeededRandom(seed, 'transform', epoch, step, slot)));
      xs.push(image);
      ys.push(target);
    }
    return { x: stack(xs), y: stack(ys) };
  }

  /** Whole validation samples, consecutive samples of the same size batched together. */
  *validation(): Iterable<Batch> {
    if (!this.valBatches) {
      this.valBatches = [];
      let group: typeof this.val = [];
      const flush = () => {
        if (group.length) this.valBatches!.push({ x: stack(group.map((s) => s.image)), y: stack(group.map((s) => s.target)) });
        group = [];
      };
      for (const s of this.val) {
        if (group.length === this.options.batchSize || (group.length && group[0].image.shape.join() !== s.image.shape.join())) flush();
        group.push(s);
      }
      flush();
    }
    yield* this.valBatches;
  }

  get hasValidation(): boolean {
    return this.val.length > 0;
  }
}
