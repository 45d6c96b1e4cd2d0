import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, HookMap } from 'tapable';
import type {
  AugmentEvent,
  EvaluateEvent,
  InferEvent,
  MetricsReport,
  Prediction,
  RunEndEvent,
  RunEvent,
  RunFailureEvent,
  Sample,
  SampleEvent,
  TrainEvent,
  TrainedEvent,
  TrainResult,
  WriteEvent,
} from './stages';

/**
 * The lifecycle, declared once. Plugins tap these; only the kernel and core's run pipeline call them.
 * Core's own behaviour is made of taps on them (webpack's way), so a plugin can observe, change or
 * replace any stage:
 *
 * - waterfall hooks pass data through every tap in order (preprocess, augment, postprocess,
 *   writeResult, runEnd); core's taps are at stage 0 (runEnd's metrics files at stage 100), so a
 *   tap with a lower stage runs before core's, a higher one after;
 * - bail hooks keyed by workflow (`train.for(name)`) run the first tap that returns a value;
 *   `registerWorkflow` taps them with core's implementation at stage 0, so a tap at a negative
 *   stage that returns a value replaces it;
 * - series hooks notify observers (run start, run failure).
 */
export function createHooks() {
  return Object.freeze({
    /** The run begins (after its folder, logger and backend are ready). Core logs the versions and backend. */
    runStart: new AsyncSeriesHook<[RunEvent]>(['event'], 'runStart'),
    /** Keyed by workflow: a training or validation sample → the same with its `target` (the workflow's `prepareSample`). */
    preprocess: new HookMap(
      (key: string) => new AsyncSeriesWaterfallHook<[Sample, SampleEvent]>(['sample', 'event'], `preprocess[${key}]`),
      'preprocess',
    ),
    /**
     * Augment one training sample; image, label and points change together (a tap that moves pixels
     * moves `sample.points` too). Core's augmentation (`augment:` section) is the first tap.
     */
    augment: new AsyncSeriesWaterfallHook<[Sample, AugmentEvent]>(['sample', 'event'], 'augment'),
    /** Keyed by workflow: train and return where the model bundle is. */
    train: new HookMap(
      (key: string) => new AsyncSeriesBailHook<[TrainEvent], TrainResult | undefined>(['event'], `train[${key}]`),
      'train',
    ),
    /** The model is trained and saved (`event.train.modelDir`), before the run predicts with it: `@biaflow/tune` tunes the decoding thresholds here. */
    afterTrain: new AsyncSeriesHook<[TrainedEvent]>(['event'], 'afterTrain'),
    /** Keyed by workflow: the raw prediction of one image. */
    infer: new HookMap(
      (key: string) => new AsyncSeriesBailHook<[InferEvent], Prediction | undefined>(['event'], `infer[${key}]`),
      'infer',
    ),
    /** A raw prediction → the result. Core taps it with the configured `postprocess:` steps, then fills the workflow's tables. */
    postprocess: new AsyncSeriesWaterfallHook<[Prediction, RunEvent]>(['prediction', 'event'], 'postprocess'),
    /** Write one image's result into the run folder. Core's tap writes the network output, the tables and the result file. */
    writeResult: new AsyncSeriesWaterfallHook<[Prediction, WriteEvent]>(['prediction', 'event'], 'writeResult'),
    /** Keyed by workflow: score predictions against ground truth. */
    evaluate: new HookMap(
      (key: string) => new AsyncSeriesBailHook<[EvaluateEvent], MetricsReport | undefined>(['event'], `evaluate[${key}]`),
      'evaluate',
    ),
    /** The run finished: the metrics report (if it evaluated) flows through; core writes `metrics.json` / `metrics.csv` at stage 100. */
    runEnd: new AsyncSeriesWaterfallHook<[MetricsReport | undefined, RunEndEvent]>(['metrics', 'event'], 'runEnd'),
    /** The run failed: observers see the error (core logs it). */
    runFailure: new AsyncSeriesHook<[RunFailureEvent]>(['event'], 'runFailure'),
  });
}

export type KernelHooks = ReturnType<typeof createHooks>;
/** Hooks keyed by workflow name. */
export const KEYED_HOOKS = ['preprocess', 'train', 'infer', 'evaluate'] as const;
export type KeyedHookName = (typeof KEYED_HOOKS)[number];
