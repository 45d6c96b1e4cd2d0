import fs from 'node:fs';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { BiaflowError, InputError } from '@biaflow/core';
import type { Tf } from '@biaflow/core';
import { replaceDirAtomic, writeFileAtomic } from '@biaflow/core';
import { removeLeftovers, restoreSwappedDir } from '@biaflow/core/internals';
import type { BundleMeta } from '@biaflow/core';
import { writeBundle } from '../bundle/save-load';
import type { EarlyStoppingState } from './early-stopping';
import type { LrScheduleState } from './lr-schedule';
import type { Optimizer, OptimizerSpec } from './optimizers';
import type { EpochRecord } from '@biaflow/core';

/**
 * Checkpoints: `checkpoints/last/` and `checkpoints/best/` in the run folder. Each is a complete
 * model bundle (loadable with `loadModel`) plus the training state `--resume` needs:
 * `optimizer.json` + `optimizer.bin` (moments / momentum buffers and step count) and
 * `training_state.json` (epoch, step, learning-rate schedule, early stopping, per-epoch history).
 *
 * A checkpoint is written into a temporary folder which then replaces the previous one
 * (`replaceDirAtomic`), `training_state.json` last: a folder holding `training_state.json` is
 * complete. If the process dies between the two renames of the swap, the complete folder is still
 * there under its temporary name; `recoverCheckpoints` puts it back before resuming (the start of
 * any command on the run folder does it too: `tidyRunFolder`).
 */
export const CHECKPOINT_FILES = Object.freeze({
  last: 'last',
  best: 'best',
  state: 'training_state.json',
  optimizerJson: 'optimizer.json',
  optimizerBin: 'optimizer.bin',
});

export const TRAINING_STATE_VERSION = 1;

export interface TrainingState {
  format_version: number;
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps completed (dropout masks are drawn from it). */
  global_step: number;
  steps_per_epoch: number;
  /** The run's seed: with (epoch, step) it is all the random state (`TrainingData` contract). */
  seed: number;
  finished: boolean;
  stop_reason: string | null;
  lr_schedule: LrScheduleState;
  early_stopping: EarlyStoppingState;
  history: EpochRecord[];
  /** Seconds spent training before this checkpoint, over all sessions. */
  elapsed_s: number;
}

interface OptimizerFile {
  spec: OptimizerSpec;
  step: number;
  slots: { name: string; shape: number[]; offset: number }[];
}

export interface CheckpointContent {
  model: LayersModel;
  meta: BundleMeta;
  optimizer: Optimizer;
  state: TrainingState;
}

/** Write a checkpoint folder atomically (see above). */
export async function writeCheckpoint(dir: string, { model, meta, optimizer, state }: CheckpointContent): Promise<void> {
  await replaceDirAtomic(dir, async (tmp) => {
    await writeBundle(tmp, model, meta);
    const slots: OptimizerFile['slots'] = [];
    const arrays: Float32Array[] = [];
    let offset = 0;
    for (const s of optimizer.slots) {
      const data = (await s.variable.data()) as Float32Array;
      slots.push({ name: s.name, shape: s.variable.shape, offset });
      arrays.push(data);
      offset += data.length;
    }
    const bin = new Float32Array(offset);
    let at = 0;
    for (const a of arrays) {
      bin.set(a, at);
      at += a.length;
    }
    await writeFileAtomic(path.join(tmp, CHECKPOINT_FILES.optimizerBin), new Uint8Array(bin.buffer));
    const file: OptimizerFile = { spec: optimizer.spec, step: optimizer.step, slots };
    await writeFileAtomic(path.join(tmp, CHECKPOINT_FILES.optimizerJson), JSON.stringify(file));
    await writeFileAtomic(path.join(tmp, CHECKPOINT_FILES.state), `${JSON.stringify(state, null, 2)}\n`);
  });
}

export function isCompleteCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, CHECKPOINT_FILES.state));
}

export async function readTrainingState(dir: string): Promise<TrainingState> {
  const file = path.join(dir, CHECKPOINT_FILES.state);
  try {
    const state = JSON.parse(await fs.promises.readFile(file, 'utf8')) as TrainingState;
    if (state.format_version > TRAINING_STATE_VERSION) {
      throw new InputError(`was written by a newer biaflow (training state format ${state.format_version})`, { file });
    }
    return state;
  } catch (e) {
    if (e instanceof BiaflowError) throw e;
    throw new InputError(`cannot read the training state: ${(e as Error).message}`, { file, cause: e });
  }
}

/** Restore the optimizer's step count and every slot, matched by name and shape. */
export async function restoreOptimizer(tf: Tf, dir: string, optimizer: Optimizer): Promise<void> {
  const jsonFile = path.join(dir, CHECKPOINT_FILES.optimizerJson);
  const binFile = path.join(dir, CHECKPOINT_FILES.optimizerBin);
  const file = JSON.parse(await fs.promises.readFile(jsonFile, 'utf8')) as OptimizerFile;
  if (file.spec.type !== optimizer.spec.type) {
    throw new InputError(`holds the state of a ${file.spec.type} optimizer but train.optimizer is ${optimizer.spec.type}`, {
      file: jsonFile,
      hint: `resume with train.optimizer: ${file.spec.type}, or start a new run`,
    });
  }
  const bytes = await fs.promises.readFile(binFile);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const byName = new Map(file.slots.map((s) => [s.name, s]));
  for (const slot of optimizer.slots) {
    const saved = byName.get(slot.name);
    if (!saved || saved.shape.join() !== slot.variable.shape.join()) {
      throw new InputError(`does not match the model: no state of shape [${slot.variable.shape}] for ${slot.name}`, { file: jsonFile });
    }
    const n = saved.shape.reduce((a, v) => a * v, 1);
    tf.tidy(() => slot.variable.assign(tf.tensor(all.subarray(saved.offset, saved.offset + n), saved.shape, 'float32')));
  }
  optimizer.step = file.step;
}

/**
 * Undo what a kill in the middle of a checkpoint swap leaves: when `last` or `best` is missing
 * but a complete copy waits under a temporary name, move it back (the most advanced one); then
 * delete leftover temporary folders. Run before resuming, in a run no other process writes to.
 * `isStale` says which temporary entries may be taken or removed (default: all of them;
 * `tidyRunFolder` passes `isLeftover`, which spares those of live processes).
 */
export async function recoverCheckpoints(checkpointsDir: string, isStale: (name: string) => boolean = () => true): Promise<string[]> {
  if (!fs.existsSync(checkpointsDir)) return [];
  return [...(await restoreCheckpoints(checkpointsDir, isStale)), ...(await removeLeftovers(checkpointsDir, isStale))];
}

/** The restoring half of `recoverCheckpoints`: `last` and `best` back in place, leftovers untouched. */
export async function restoreCheckpoints(checkpointsDir: string, isStale: (name: string) => boolean): Promise<string[]> {
  const actions: string[] = [];
  const rank = { name: 'epoch', of: async (dir: string) => (await readTrainingState(dir)).epoch };
  for (const name of [CHECKPOINT_FILES.last, CHECKPOINT_FILES.best]) {
    const restored = await restoreSwappedDir(path.join(checkpointsDir, name), { complete: CHECKPOINT_FILES.state, rank, isStale });
    if (restored) actions.push(restored);
  }
  return actions;
}
