import type { LrScheduleType } from '@biaflow/core';

export interface LrScheduleSpec {
  type: LrScheduleType;
  /** reduce_on_plateau: multiply the rate by this after `patience` epochs without improvement. */
  factor?: number;
  patience?: number;
  /** Lowest rate either schedule goes to. */
  minLr?: number;
  /** warmup_cosine: epochs of linear warm-up from ~0 to the base rate. */
  warmupEpochs?: number;
}

/** Everything the schedule remembers between epochs (saved in checkpoints). */
export interface LrScheduleState {
  lr: number;
  best: number | null;
  wait: number;
}

/**
 * The learning rate at each step.
 * - `none`: the base rate throughout;
 * - `reduce_on_plateau`: the rate is multiplied by `factor` (not below `min_lr`) when the monitored
 *   loss has not improved for `patience` epochs;
 * - `warmup_cosine`: linear warm-up over `warmup_epochs`, then cosine decay to `min_lr` at the last
 *   step of `train.epochs`.
 */
export class LrSchedule {
  private state: LrScheduleState;

  constructor(
    readonly spec: LrScheduleSpec,
    private readonly baseLr: number,
    private readonly stepsPerEpoch: number,
    private readonly epochs: number,
  ) {
    this.state = { lr: baseLr, best: null, wait: 0 };
  }

  /** Rate for step `step` of epoch `epoch` (both from 0). */
  lrAt(epoch: number, step: number): number {
    if (this.spec.type !== 'warmup_cosine') return this.state.lr;
    const minLr = this.spec.minLr ?? 0;
    const g = epoch * this.stepsPerEpoch + step;
    const warm = Math.round((this.spec.warmupEpochs ?? 0) * this.stepsPerEpoch);
    if (g < warm) return (this.baseLr * (g + 1)) / warm;
    const total = Math.max(1, this.epochs * this.stepsPerEpoch - warm);
    const progress = Math.min(1, (g - warm) / total);
    return minLr + (this.baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  /** Tell the schedule how the epoch went (the monitored loss). */
  endEpoch(monitored: number): void {
    if (this.spec.type !== 'reduce_on_plateau') return;
    const s = this.state;
    if (s.best === null || monitored < s.best) {
      s.best = monitored;
      s.wait = 0;
      return;
    }
    s.wait += 1;
    if (s.wait >= (this.spec.patience ?? 5)) {
      s.lr = Math.max(s.lr * (this.spec.factor ?? 0.5), this.spec.minLr ?? 0);
      s.wait = 0;
    }
  }

  save(): LrScheduleState {
    return { ...this.state };
  }

  restore(state: LrScheduleState): void {
    this.state = { ...state };
  }
}
