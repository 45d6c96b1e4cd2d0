import fs from 'node:fs';
import path from 'node:path';
import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { toCsv } from '@biaflow/image';
import { BiaflowError, ConfigError, InputError } from '@biaflow/core';
import { replaceDirAtomic, writeFileAtomic } from '@biaflow/core';
import { letSignalsIn, stopIfAsked } from '@biaflow/core';
import { isLeftover } from '@biaflow/core/internals';
import type { LossType } from '@biaflow/core';
import { BUNDLE_META, MODEL_JSON, WEIGHTS_BIN } from '@biaflow/core';
import type { ModelHead, NetworkDefinition } from '@biaflow/core';
import type { Batch, EpochRecord, LossFn, TrainingOutcome, TrainingRequest, TrainingRun } from '@biaflow/core';
import { bundleMeta, loadModel } from '../bundle/save-load';
import { fromMeta } from '../bundle/bundle-meta';
import { buildModel, resolveModelOptions } from '../networks/build-model';
import { setDropoutStep } from '../networks/layers/custom-layers';
import { modelOptionProblems, type ModelOptions } from '../networks/model-options';
import { networkNamed, TFJS_NETWORKS } from '../networks/networks';
import { CHECKPOINT_FILES, TRAINING_STATE_VERSION, isCompleteCheckpoint, readTrainingState, recoverCheckpoints, restoreOptimizer, writeCheckpoint, type TrainingState } from './checkpoint';
import { EarlyStopping } from './early-stopping';
import { makeLoss, defaultLossFor, type LossSpec } from './losses';
import { LrSchedule } from './lr-schedule';
import { defaultMetrics } from './metrics';
import { Optimizer } from './optimizers';

export type { TrainingRun };
/** The trainer's request and outcome are the training-engine contract's (`TrainingEngine.train`). */
export type TrainRequest = TrainingRequest;
export type TrainOutcome = TrainingOutcome;

const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '-' : Number(v).toPrecision(digits));

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The model options from the `model:` config section, the head and the data's channel count. */
export function modelOptionsFromConfig(config: TrainingRun['config'], head: ModelHead, inputChannels: number, networks: readonly NetworkDefinition[] = TFJS_NETWORKS): ModelOptions {
  const m = config.model;
  const options = resolveModelOptions({
    architecture: m.architecture,
    ndim: config.problem.ndim,
    inputChannels,
    outputChannels: head.outputChannels,
    outputActivation: head.outputActivation,
    featureMaps: m.feature_maps,
    normalization: m.normalization,
    activation: m.activation,
    dropout: m.dropout,
    kernelSize: m.kernel_size,
    upsampling: m.upsampling,
    zDown: m.z_down,
    seed: config.system.seed,
  });
  const problems = modelOptionProblems(options, networks);
  if (problems.length) throw new ConfigError(problems);
  return options;
}

function lossSpec(config: TrainingRun['config'], head: ModelHead, fallback?: string): LossSpec {
  const l = config.train.loss;
  return {
    type: l.type === 'auto' ? ((fallback as LossType | undefined) ?? defaultLossFor(head.outputActivation)) : l.type,
    channelWeights: l.channel_weights,
    ceWeight: l.ce_weight,
    diceWeight: l.dice_weight,
  };
}

/** The loss to train with: `train.loss` when set, else the workflow's default (core's or its own). */
function lossFunction(run: TrainingRun, head: ModelHead, options: ModelOptions, fallback: TrainRequest['defaultLoss']): LossFn {
  if (run.config.train.loss.type === 'auto' && fallback && typeof fallback === 'object') return fallback.make(run.tf);
  const named = typeof fallback === 'string' ? fallback : undefined;
  return makeLoss(run.tf, lossSpec(run.config, head, named), options.outputChannels, options.outputActivation);
}

/** Fail early, with the key to change, when batches do not fit the network. */
function checkBatch(batch: Batch, options: ModelOptions, network: NetworkDefinition, where: string, targetChannels = options.outputChannels): void {
  const nd = options.ndim;
  if (batch.x.shape.length !== nd + 2) {
    throw new InputError(`${where}: images have shape [${batch.x.shape}], expected [batch, ${nd === 2 ? 'y, x' : 'z, y, x'}, channels] for problem.ndim ${nd}`);
  }
  if (batch.x.shape[nd + 1] !== options.inputChannels) {
    throw new InputError(`${where}: images have ${batch.x.shape[nd + 1]} channel(s) but the model takes ${options.inputChannels}`);
  }
  const yChannels = batch.y.shape[batch.y.shape.length - 1];
  if (yChannels !== targetChannels) {
    throw new InputError(
      `${where}: targets have ${yChannels} channel(s) but ${targetChannels === options.outputChannels ? `the model outputs ${options.outputChannels}` : `the workflow's loss takes ${targetChannels}`}`,
    );
  }
  if (network.output === 'spatial') {
    const div = network.sizeDivisor(options);
    const spatial = batch.x.shape.slice(1, -1);
    if (spatial.some((n, i) => n % div[i] !== 0)) {
      throw new ConfigError([
        {
          path: 'data.patch_size',
          message: `${where}: patches of [${spatial}] cannot go through ${options.featureMaps.length} levels: each size must be a multiple of [${div}] (2^(depth − 1) per pooled axis)`,
        },
      ]);
    }
  }
}

/**
 * Train a network on `data`: the loop every workflow uses, writing where `request.files` says.
 *
 * Per epoch: `stepsPerEpoch` optimizer steps on `data.batch(epoch, step)`, validation on
 * `data.validation()`, learning-rate schedule and early stopping on the validation loss (the
 * training loss without validation data), `checkpoints/best` when it improved, `checkpoints/last`
 * (every `train.checkpoint_every` epochs and at the end), the metrics CSV rewritten, and one
 * log line. With `run.resume`, training continues from `checkpoints/last`: same weights,
 * optimizer state, schedule, early-stopping state and position in the data, so the losses equal
 * those of an uninterrupted run with the same seed on the same backend. At the end `model/` holds
 * the best checkpoint's bundle (the last one when nothing improved).
 */
export async function trainModel(request: TrainRequest): Promise<TrainOutcome> {
  const { run, data, head } = request;
  const { tf, logger, config } = run;
  const cfg = config.train;
  const checkpointsDir = request.files.checkpoints;
  const lastDir = path.join(checkpointsDir, CHECKPOINT_FILES.last);
  const bestDir = path.join(checkpointsDir, CHECKPOINT_FILES.best);
  const modelDir = request.files.model;
  const csvPath = request.files.metricsCsv;
  const networks = request.networks ?? TFJS_NETWORKS;
  const networkOf = (o: ModelOptions): NetworkDefinition => {
    const found = networkNamed(o.architecture, networks);
    if (!found) throw new ConfigError([{ path: 'model.architecture', message: `"${o.architecture}" is not one of ${networks.map((n) => n.name).join(', ')}` }]);
    return found;
  };
  const stepsPerEpoch = cfg.steps_per_epoch === 'auto' ? data.stepsPerEpoch : cfg.steps_per_epoch;
  if (!(stepsPerEpoch >= 1)) throw new InputError(`the training data gives ${stepsPerEpoch} steps per epoch: there is nothing to train on`);
  const seed = config.system.seed;

  // --- The model and where training starts from.
  let model: LayersModel;
  let options: ModelOptions;
  let resumed: TrainingState | undefined;
  if (run.resume) {
    for (const action of await recoverCheckpoints(checkpointsDir, isLeftover)) logger.warn({ event: 'checkpoint-recovery' }, action);
  }
  if (run.resume && isCompleteCheckpoint(lastDir)) {
    resumed = await readTrainingState(lastDir);
    const loaded = await loadModel(lastDir);
    model = loaded.model;
    options = fromMeta(loaded.meta);
    if (resumed.seed !== seed) {
      throw new ConfigError([{ path: 'system.seed', message: `is ${seed} but the run being resumed used ${resumed.seed}; resume with the same seed` }]);
    }
    logger.info({ event: 'resume', epoch: resumed.epoch, global_step: resumed.global_step }, `resuming after epoch ${resumed.epoch} from ${lastDir}`);
  } else {
    if (run.resume) logger.warn({ event: 'resume' }, 'no checkpoint to resume from: training starts from the beginning');
    const first = await data.batch(0, 0);
    const inputChannels = first.x.shape[first.x.shape.length - 1];
    const loadDir = request.loadDir ?? config.model.load;
    if (loadDir) {
      const loaded = await loadModel(loadDir);
      model = loaded.model;
      options = fromMeta(loaded.meta);
      if (options.ndim !== config.problem.ndim || options.outputChannels !== head.outputChannels || options.outputActivation !== head.outputActivation) {
        throw new ConfigError([
          {
            path: 'model.load',
            message: `${config.model.load} is a ${options.ndim}D model with ${options.outputChannels} ${options.outputActivation} output(s); this run needs ${config.problem.ndim}D with ${head.outputChannels} ${head.outputActivation} output(s)`,
          },
        ]);
      }
      logger.info({ event: 'model-load', dir: loaded.dir }, `fine-tuning ${loaded.dir}`);
    } else {
      options = modelOptionsFromConfig(config, head, inputChannels, networks);
      model = buildModel(options, tf, networks);
    }
    checkBatch(first, options, networkOf(options), 'training data', request.targetChannels);
  }
  // The model and the optimizer hold tensors: free them however training ends.
  let optimizer: Optimizer | undefined;
  const sessionStart = Date.now();
  let stopReason: string;
  let state: TrainingState;
  let early: EarlyStopping;
  try {
    const network = networkOf(options);
    const classifier = network.output === 'global';
    const weights = model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() as Variable }));
    const variables = weights.map((w) => w.variable);
    logger.info(
      { event: 'model', architecture: options.architecture, feature_maps: options.featureMaps, parameters: model.countParams(), steps_per_epoch: stepsPerEpoch },
      `${options.ndim}D ${options.architecture} [${options.featureMaps}], ${model.countParams()} parameters, ${stepsPerEpoch} steps per epoch`,
    );

    const opt = new Optimizer(tf, { type: cfg.optimizer, momentum: cfg.momentum, weightDecay: cfg.weight_decay }, weights);
    optimizer = opt;
    const ls = cfg.lr_schedule;
    const schedule = new LrSchedule({ type: ls.type, factor: ls.factor, patience: ls.patience, minLr: ls.min_lr, warmupEpochs: ls.warmup_epochs }, cfg.lr, stepsPerEpoch, cfg.epochs);
    early = new EarlyStopping(cfg.patience);
    const loss = lossFunction(run, head, options, request.defaultLoss);
    const metrics = request.metrics ?? defaultMetrics(options.outputActivation, classifier);

    state = resumed ?? {
      format_version: TRAINING_STATE_VERSION,
      epoch: 0,
      global_step: 0,
      steps_per_epoch: stepsPerEpoch,
      seed,
      finished: false,
      stop_reason: null,
      lr_schedule: schedule.save(),
      early_stopping: early.save(),
      history: [],
      elapsed_s: 0,
    };
    if (resumed) {
      await restoreOptimizer(tf, lastDir, opt);
      schedule.restore(resumed.lr_schedule);
      early.restore(resumed.early_stopping);
      if (resumed.steps_per_epoch !== stepsPerEpoch) {
        throw new ConfigError([{ path: 'train.steps_per_epoch', message: `the resumed run used ${resumed.steps_per_epoch} steps per epoch, now ${stepsPerEpoch}: resume with the same data and settings` }]);
      }
    }

    const meta = (training: Record<string, unknown>) =>
      bundleMeta(model, {
        ...request.bundle,
        options,
        problem: request.bundle?.problem ?? config.problem.type,
        patchSize: request.bundle?.patchSize ?? config.data.patch_size ?? null,
        config,
        training,
      }, networks);

    // How many sums each metric adds per batch (asked once, on a one-pixel input).
    const metricWidths = tf.tidy(() => {
      const probe = tf.zeros(classifier ? [1, options.outputChannels] : [1, ...Array<number>(options.ndim).fill(1), options.outputChannels]);
      return metrics.map((m) => m.sums(tf, probe, probe).length);
    });

    /** Validation loss (mean over samples) and metrics (from sums pooled over all batches); null without validation data. */
    const validate = async (stopPoint: () => void): Promise<{ loss: number; metrics: Record<string, number | null> } | null> => {
      if (!data.validation) return null;
      let lossSum = 0;
      let count = 0;
      const totals = metricWidths.map((w) => Array<number>(w).fill(0));
      for await (const batch of data.validation()) {
        await letSignalsIn();
        stopPoint();
        if (count === 0) checkBatch(batch, options, network, 'validation data', request.targetChannels);
        const b = batch.x.shape[0];
        const outs = tf.tidy(() => {
          const x = tf.tensor(batch.x.data, batch.x.shape, 'float32');
          const y = tf.tensor(batch.y.data, batch.y.shape, 'float32');
          const p = model.apply(x, { training: false }) as Tensor;
          return [loss(y, p), ...metrics.flatMap((m) => m.sums(tf, y, p))];
        });
        const values = await Promise.all(outs.map(async (t) => (await t.data())[0]));
        tf.dispose(outs);
        lossSum += values[0] * b;
        count += b;
        let at = 1;
        totals.forEach((t) => {
          for (let j = 0; j < t.length; j++) t[j] += values[at + j];
          at += t.length;
        });
      }
      if (count === 0) return null;
      return { loss: lossSum / count, metrics: Object.fromEntries(metrics.map((m, i) => [`val_${m.name}`, m.value(totals[i])])) };
    };

    // --- The loop.
    const epochTimes: number[] = [];
    stopReason = state.stop_reason ?? 'epochs';
    if (state.finished && state.stop_reason === 'epochs' && cfg.epochs > state.epoch) {
      // Resumed with more epochs than the run had: carry on.
      state.finished = false;
      state.stop_reason = null;
    }
    if (state.finished) logger.info({ event: 'resume' }, `training had already finished (${stopReason}) after epoch ${state.epoch}`);
    const firstEpoch = state.epoch;
    // What --resume would start from if the run stopped now: the epoch checkpoints/last holds.
    let checkpointed = state.epoch;
    const resumeFrom = () => (checkpointed > 0 ? `the end of epoch ${checkpointed} (checkpoints/last)` : 'the first epoch (no epoch was complete)');
    // Training stops at the first non-finite loss or weight, before any checkpoint of it is written:
    // checkpoints/last and best keep the last epochs whose weights were all finite.
    const diverged = (where: string) =>
      new BiaflowError(
        `training diverged ${where}; stopped there, nothing of the diverged weights saved: ${checkpointed > 0 ? `checkpoints/last (epoch ${checkpointed}) is kept` : 'no epoch was complete, so there is no checkpoint'}`,
        { hint: `lower train.lr (now ${cfg.lr}), or look for extreme values in the data and in what plugins' augment or preprocess taps make of it` },
      );
    for (let epoch = state.epoch; !state.finished && epoch < cfg.epochs; epoch++) {
      const t0 = Date.now();
      let lossSum = 0;
      let lr = schedule.lrAt(epoch, 0);
      const task = request.progress?.start({ id: `epoch-${epoch + 1}`, label: `epoch ${epoch + 1}/${cfg.epochs}`, total: stepsPerEpoch, unit: 'steps' });
      for (let step = 0; step < stepsPerEpoch; step++) {
        await letSignalsIn();
        stopIfAsked(run.signal, () => {
          task?.end();
          return { at: step === 0 ? `before epoch ${epoch + 1}/${cfg.epochs}` : `during epoch ${epoch + 1}/${cfg.epochs}, after step ${step} of ${stepsPerEpoch}`, resumeFrom: resumeFrom() };
        });
        const batch = await data.batch(epoch, step);
        if (epoch === firstEpoch && step === 0) checkBatch(batch, options, network, 'training data', request.targetChannels);
        lr = schedule.lrAt(epoch, step);
        setDropoutStep(model, state.global_step);
        const out = tf.tidy(() => {
          const x = tf.tensor(batch.x.data, batch.x.shape, 'float32');
          const y = tf.tensor(batch.y.data, batch.y.shape, 'float32');
          const { value: l, grads } = tf.variableGrads(() => loss(y, model.apply(x, { training: true }) as Tensor), variables);
          opt.apply(variables.map((v) => grads[v.name]), lr);
          // The loss alone can look fine while the weights are not: a clip of a NaN output may give a
          // finite loss (wasm) whose gradients are still NaN. So every weight is checked after each step,
          // through their sum: NaN or ±∞ when any weight is (or when they are so large that it overflows
          // float32, diverged just as much); half the time of an isFinite test of each weight.
          const weightSum = tf.addN(variables.map((v) => tf.sum(v)));
          return tf.stack([l as Scalar, weightSum]);
        });
        const [stepLoss, weightSum] = await out.data();
        out.dispose();
        if (!Number.isFinite(stepLoss) || !Number.isFinite(weightSum)) {
          throw diverged(
            `at epoch ${epoch + 1}, step ${step + 1} of ${stepsPerEpoch}: ${Number.isFinite(stepLoss) ? `the loss is ${fmt(stepLoss)} but the weights are no longer finite` : `the loss is ${stepLoss}`}`,
          );
        }
        lossSum += stepLoss;
        state.global_step += 1;
        // The run's time left: the rest of this epoch at its pace, then the other epochs at the mean
        // pace so far (validation included), or this epoch's until one has ended.
        const spent = (Date.now() - t0) / 1000;
        const perEpoch = epochTimes.length ? epochTimes.reduce((a, v) => a + v, 0) / epochTimes.length : (spent / (step + 1)) * stepsPerEpoch;
        const runLeft = (spent / (step + 1)) * (stepsPerEpoch - step - 1) + perEpoch * (cfg.epochs - epoch - 1);
        task?.update(step + 1, { loss: lossSum / (step + 1), run_left_s: Math.round(runLeft) });
      }
      task?.end();
      const trainLoss = lossSum / stepsPerEpoch;
      const val = await validate(() =>
        stopIfAsked(run.signal, () => ({ at: `while validating epoch ${epoch + 1}/${cfg.epochs}`, resumeFrom: resumeFrom() })),
      );
      if (val && !Number.isFinite(val.loss)) throw diverged(`at epoch ${epoch + 1}, while validating: the validation loss is ${val.loss}`);
      const monitored = val ? val.loss : trainLoss;
      const { improved, stop } = early.update(epoch + 1, monitored);
      schedule.endEpoch(monitored);
      const seconds = (Date.now() - t0) / 1000;
      epochTimes.push(seconds);
      const record: EpochRecord = { epoch: epoch + 1, loss: trainLoss, val_loss: val ? val.loss : null, ...(val?.metrics ?? {}), lr, time_s: Math.round(seconds * 1000) / 1000 };
      state.epoch = epoch + 1;
      state.history.push(record);
      state.lr_schedule = schedule.save();
      state.early_stopping = early.save();
      state.elapsed_s += seconds;
      const lastEpoch = stop || epoch + 1 >= cfg.epochs;
      if (lastEpoch) {
        state.finished = true;
        state.stop_reason = stopReason = stop ? 'early_stopping' : 'epochs';
      }
      const training = { epochs: state.epoch, best_epoch: early.bestEpoch, best_loss: early.best, monitored: val ? 'val_loss' : 'loss', backend: tf.getBackend() };
      // best before last: a kill between the two leaves a last that redoes this epoch and rewrites best identically.
      if (improved) await writeCheckpoint(bestDir, { model, meta: meta(training), optimizer: opt, state });
      if (lastEpoch || state.epoch % cfg.checkpoint_every === 0) {
        await writeCheckpoint(lastDir, { model, meta: meta(training), optimizer: opt, state });
        checkpointed = state.epoch;
      }
      if (csvPath) await writeFileAtomic(csvPath, toCsv(state.history));
      const mean = epochTimes.reduce((a, v) => a + v, 0) / epochTimes.length;
      const eta = lastEpoch ? 0 : mean * (cfg.epochs - state.epoch);
      const extras = Object.entries(val?.metrics ?? {}).map(([k, v]) => ` ${k} ${fmt(v)}`).join('');
      logger.info(
        { event: 'epoch', ...record, eta_s: Math.round(eta), improved },
        `epoch ${state.epoch}/${cfg.epochs} loss ${fmt(trainLoss)} val_loss ${fmt(val?.loss)}${extras} lr ${lr.toExponential(2)} ${seconds.toFixed(1)}s ETA ${duration(eta)}${improved ? ' *' : ''}`,
      );
      await request.onEpochEnd?.(record, state.history);
      if (stop) logger.info({ event: 'early-stopping', epoch: state.epoch, best_epoch: early.bestEpoch }, `early stopping: no improvement for ${cfg.patience} epochs (best epoch ${early.bestEpoch})`);
    }
  } finally {
    optimizer?.dispose();
    model.dispose();
  }

  // A run resumed after its last checkpoint but killed before the CSV was rewritten gets it now.
  if (csvPath && state.history.length) await writeFileAtomic(csvPath, toCsv(state.history));

  // --- The model bundle of the run: the best checkpoint's network (the last one's when none is better).
  const source = isCompleteCheckpoint(bestDir) ? bestDir : lastDir;
  if (!isCompleteCheckpoint(source)) throw new BiaflowError('training ended without a checkpoint to export');
  await replaceDirAtomic(modelDir, async (tmp) => {
    for (const f of [WEIGHTS_BIN, MODEL_JSON, BUNDLE_META]) await fs.promises.copyFile(path.join(source, f), path.join(tmp, f));
  });
  const sessionSeconds = (Date.now() - sessionStart) / 1000;
  logger.info({ event: 'training-done', epochs: state.epoch, stop_reason: stopReason, best_epoch: early.bestEpoch, seconds: sessionSeconds }, `training done after ${state.epoch} epochs (${stopReason}); model in ${modelDir}`);
  return {
    modelDir,
    epochs: state.epoch,
    bestValLoss: state.history.some((h) => h.val_loss !== null) ? early.best : null,
    history: state.history,
    stopReason,
    checkpoints: { last: lastDir, best: bestDir },
  };
}
