/** Early-stopping memory (saved in checkpoints). */
export interface EarlyStoppingState {
  best: number | null;
  /** Epoch (1-based) of the best value. */
  bestEpoch: number | null;
  wait: number;
}

/**
 * Stop when the monitored loss has not improved (strictly decreased) for `patience` epochs;
 * patience 0 never stops.
 */
export class EarlyStopping {
  private state: EarlyStoppingState = { best: null, bestEpoch: null, wait: 0 };

  constructor(private readonly patience: number) {}

  /** Record epoch `epoch` (1-based); says whether it is the best so far and whether to stop. */
  update(epoch: number, monitored: number): { improved: boolean; stop: boolean } {
    const s = this.state;
    if (Number.isFinite(monitored) && (s.best === null || monitored < s.best)) {
      s.best = monitored;
      s.bestEpoch = epoch;
      s.wait = 0;
      return { improved: true, stop: false };
    }
    s.wait += 1;
    return { improved: false, stop: this.patience > 0 && s.wait >= this.patience };
  }

  get best(): number | null {
    return this.state.best;
  }

  get bestEpoch(): number | null {
    return this.state.bestEpoch;
  }

  save(): EarlyStoppingState {
    return { ...this.state };
  }

  restore(state: EarlyStoppingState): void {
    this.state = { ...state };
  }
}
