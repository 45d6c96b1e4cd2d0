import { prepareData } from '../data/prepare-data';
import { predictImage, tfPredictor } from '../data/predict-image';
import { recordFromBundle } from '../data/bundle-normalizers';
import { DEFAULT_NORMALIZATION } from '../data/normalization';
import type { LoadedModel } from '../engine/bundle/save-load';
import type { ModelHead } from '../engine/models/model-options';
import type { LossType } from '../engine/training/losses';
import type { ValidationMetric } from '../engine/training/metrics';
import { trainModel, type TrainOutcome } from '../engine/training/trainer';
import { toModelLayout } from '../io/model-layout';
import type { Image, NdArray } from '@biaflow/image';
import type { RunContext } from '../kernel/run-context';

/**
 * What a workflow says about its network; everything else (data, patches, augmentation,
 * normalization, the loop, checkpoints, the bundle) is core's. Targets come from the workflow's
 * `preprocess[problem]` tap, which the batch builder calls on every sample.
 */
export interface NetworkTask {
  head: ModelHead;
  /** Meaning of each output channel (`foreground`, `contour`, class names...), stored in the bundle. */
  channels: string[];
  /** Loss when `train.loss.type` is `auto`. */
  defaultLoss?: LossType;
  /** Validation metrics (default: IoU for segmentation heads). */
  metrics?: ValidationMetric[];
  /** Check of each training / validation label's distinct values (after the label mapping); a message is a data problem of that file. */
  checkLabelValues?: (values: readonly number[]) => string | undefined;
}

/**
 * Train the run's network for a workflow: read and check the data (stopping with every problem
 * listed before any training), write split.json, then train with checkpoints and resume.
 */
export async function trainNetwork(run: RunContext, task: NetworkTask): Promise<TrainOutcome> {
  const { config } = run;
  const prepared = await prepareData({
    config,
    runDir: run.runDir,
    hooks: { hooks: run.kernel.hooks, event: { run } },
    logger: run.logger,
    checkLabelValues: task.checkLabelValues,
  });
  return trainModel({
    run,
    data: prepared.training,
    head: task.head,
    defaultLoss: task.defaultLoss,
    metrics: task.metrics,
    bundle: {
      channels: task.channels,
      inputChannelNames: [],
      patchSize: config.data.patch_size ?? null,
      problem: config.problem.type,
      normalization: prepared.normalization as never,
    },
  });
}

/**
 * The network output for one image of any size: model layout, the bundle's normalization, tiles
 * of the patch size the model was trained on (or `data.patch_size`) with `predict.*` overlap,
 * padding and batch. Returns float32 `[..spatial, channels]`.
 */
export async function predictNetwork(run: RunContext, loaded: LoadedModel, image: Image, name = 'image'): Promise<NdArray<Float32Array>> {
  const { config } = run;
  const x = toModelLayout(image, config.problem.ndim, name);
  const settings = loaded.meta.normalization;
  return predictImage(x, tfPredictor(run.tf, loaded.model), {
    patchSize: loaded.meta.patch_size ?? config.data.patch_size ?? [],
    overlap: config.predict.overlap,
    padding: config.predict.padding,
    batchSize: config.predict.batch_size,
    normalization: settings ? recordFromBundle(settings) : { ...DEFAULT_NORMALIZATION, method: 'none', version: 1 },
  });
}
