import type { NdArray } from '@biaflow/image';
import type { BundleMeta } from './model-bundle';
import type { Logger } from './logger';
import type { Tf } from './tf';

/**
 * A trained network ready to predict, as an inference engine opened it. Core's tiling,
 * normalization and test-time augmentation feed it batches of tiles; it only runs the network.
 */
export interface Network {
  /** What the model bundle says about the network (layout, channels, normalization, patch size…). */
  readonly meta: BundleMeta;
  /** The folder it was loaded from. */
  readonly dir: string;
  /** The engine that opened it (`tfjs`, `onnx`). */
  readonly engine: string;
  /**
   * One batch in model layout, already normalized, float32: `[b, ...spatial, c]` → `[b, ...spatial, c_out]`
   * (segmentation networks; spatial sizes are multiples of `meta.size_divisor`) or `[b, c_out]` (classifiers).
   */
  predict(batch: NdArray<Float32Array>): Promise<NdArray<Float32Array>>;
  /**
   * Networks that normalize and tile whole images themselves (a model format's, e.g. a zoo package
   * with its own pre- and post-processing and halo): one image in model layout as read (`[...spatial, c]`,
   * raw values) → its output `[...spatial, c_out]`. Core's tiled prediction then calls this instead of
   * normalizing and tiling for `predict`.
   */
  predictImage?(image: NdArray): Promise<NdArray<Float32Array>>;
  /** Free what the network holds (weights, sessions). */
  dispose(): void | Promise<void>;
}

/** What an engine is given to open a network with. */
export interface EngineContext {
  /** The run's tfjs (engines that convert from tfjs use it). */
  tf: Tf;
  logger: Logger;
  /** CPU threads the engine may use (`system.threads`, resolved). */
  threads: number;
}

/**
 * Runs networks of model bundles. Core contributes `tfjs` (the backend the run selected); a plugin
 * contributes another (`kernel.registerInferenceEngine`), chosen with `predict.engine`. An engine
 * registered later under the same name replaces the earlier one.
 */
export interface InferenceEngine {
  name: string;
  description: string;
  /** Open the network of the model bundle in `dir` (whose `biaflow.json` is `meta`). */
  open(dir: string, meta: BundleMeta, context: EngineContext): Promise<Network>;
}
