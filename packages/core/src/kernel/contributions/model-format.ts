import type { BundleMeta } from './model-bundle';
import type { EngineContext, Network } from './inference-engine';

/**
 * A model as a format read it, in one of two forms:
 *
 * - `bundle`: a biaflow model bundle folder the format unpacked or found inside the model (e.g. the
 *   `tensorflow_js` weights of a zoo package biaflow exported). Core then uses it as any bundle: the
 *   run's inference engine, its normalization and tiling, fine-tuning with `model.load`.
 * - `network`: a network the format runs itself, predicting whole images (its own pre- and
 *   post-processing and tiling: `Network.predictImage`). It predicts, but cannot be fine-tuned;
 *   `untrainable` says why.
 */
export type ModelSource =
  | {
      kind: 'bundle';
      /** The bundle folder (`biaflow.json`, `model.json`, `weights.bin`). */
      dir: string;
      meta: BundleMeta;
      /** Remove what the format unpacked (called when the model is no longer used). */
      dispose?(): void | Promise<void>;
    }
  | {
      kind: 'network';
      /**
       * What biaflow needs to know about the model, in bundle form: ndim, channels, output
       * activation, `problem` and `config` (the workflow and post-processing it should follow),
       * `normalization: null` (the network normalizes itself).
       */
      meta: BundleMeta;
      /** Why this model cannot be fine-tuned (`model.load` for training), naming the file and what to do. */
      untrainable: string;
      /** Where `meta.config` comes from, for messages about it (`config.biaflow of pkg/bioimageio.yaml`). */
      settingsFrom?: string;
      open(context: EngineContext): Promise<Network>;
      dispose?(): void | Promise<void>;
    };

/** What a format is told when it reads a model. */
export interface ModelReadOptions {
  logger?: EngineContext['logger'];
  /** The run's `system.max_image_megavoxels` (the default 2048 when no run is known). */
  maxMegavoxels?: number;
}

/**
 * Reads models that are not biaflow bundles (`kernel.registerModelFormat`): wherever a model bundle is
 * accepted (`predict --model`, `model.load`, `loadWorkflowModel`) a model of a registered format works
 * too. Core knows no format besides its own bundles; `@biaflow/engine-onnx` contributes the BioImage
 * Model Zoo's. Reading a model runs no code the model ships: a format reads data only.
 */
export interface ModelFormat {
  /** Short name, for messages (`bioimageio`). */
  name: string;
  description: string;
  /** True when `target` (a folder or a file) is a model of this format: a cheap look at names or first bytes. */
  recognizes(target: string): boolean | Promise<boolean>;
  /**
   * Read the model; a bad model is an `InputError` (exit 2) naming the file and field. A format
   * refuses, before anything is allocated, a model whose declared tensors hold more than
   * `maxMegavoxels` million samples (the run's `system.max_image_megavoxels`), and logs the settings
   * (post-processing, workflow) it takes from the model to `logger`.
   */
  read(target: string, options: ModelReadOptions): Promise<ModelSource>;
}
