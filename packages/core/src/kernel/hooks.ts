import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, HookMap } from 'tapable';
import type {
  EvaluateEvent,
  InferEvent,
  MetricsReport,
  Prediction,
  RunEndEvent,
  RunEvent,
  RunFailureEvent,
  Sample,
  TrainEvent,
  TrainResult,
} from './stages';

/**
 * The lifecycle, declared once. Plugins tap these; only the kernel and core's run pipeline call them.
 *
 * - waterfall hooks pass data through every tap in order (preprocess, augment, postprocess);
 * - bail hooks keyed by problem type (`train.for('instance')`) let the one workflow plugin that
 *   handles a problem type do the work; the run fails loudly if none taps the key;
 * - series hooks notify observers (run start / end / failure).
 */
export function createHooks() {
  return Object.freeze({
    runStart: new AsyncSeriesHook<[RunEvent]>(['event'], 'runStart'),
    /** Keyed by problem type: turn a loaded sample into what the network learns (sets `target`). */
    preprocess: new HookMap(
      (key: string) => new AsyncSeriesWaterfallHook<[Sample, RunEvent]>(['sample', 'event'], `preprocess[${key}]`),
      'preprocess',
    ),
    /** Augment one training sample; image and target change together. */
    augment: new AsyncSeriesWaterfallHook<[Sample, RunEvent]>(['sample', 'event'], 'augment'),
    /** Keyed by problem type: train and return where the model bundle is. */
    train: new HookMap(
      (key: string) => new AsyncSeriesBailHook<[TrainEvent], TrainResult | undefined>(['event'], `train[${key}]`),
      'train',
    ),
    /** Keyed by problem type: predict one image. */
    infer: new HookMap(
      (key: string) => new AsyncSeriesBailHook<[InferEvent], Prediction | undefined>(['event'], `infer[${key}]`),
      'infer',
    ),
    /** Turn a raw prediction into the result (core taps it with the configured `postprocess:` steps). */
    postprocess: new AsyncSeriesWaterfallHook<[Prediction, RunEvent]>(['prediction', 'event'], 'postprocess'),
    /** Keyed by problem type: score predictions against ground truth. */
    evaluate: new HookMap(
      (key: string) => new AsyncSeriesBailHook<[EvaluateEvent], MetricsReport | undefined>(['event'], `evaluate[${key}]`),
      'evaluate',
    ),
    runEnd: new AsyncSeriesHook<[RunEndEvent]>(['event'], 'runEnd'),
    runFailure: new AsyncSeriesHook<[RunFailureEvent]>(['event'], 'runFailure'),
  });
}

export type KernelHooks = ReturnType<typeof createHooks>;
export type HookName = keyof KernelHooks;
/** Hooks keyed by problem type. */
export const KEYED_HOOKS = ['preprocess', 'train', 'infer', 'evaluate'] as const;
export type KeyedHookName = (typeof KEYED_HOOKS)[number];
