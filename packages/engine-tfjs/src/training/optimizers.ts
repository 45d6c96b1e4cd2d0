import type { Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '@biaflow/core';
import type { OptimizerType } from '@biaflow/core';

export interface OptimizerSpec {
  type: OptimizerType;
  /** Adam/AdamW: decay rates of the moment estimates. */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** SGD: momentum (0 = plain SGD). */
  momentum?: number;
  /** L2 penalty added to the gradient (adam, sgd), or decoupled decay of the weights (adamw). */
  weightDecay?: number;
}

/** One state tensor of the optimizer, named after the weight it belongs to (`enc0_1_conv/kernel/m`). */
export interface OptimizerSlot {
  name: string;
  variable: Variable;
}

/**
 * biaflow's optimizers. They are written here, not taken from `tf.train`, so that every piece of
 * their state (moments, momentum buffers, step count) can be saved and restored exactly for
 * `--resume`, and so the learning rate can change at every step.
 *
 * Weight decay applies to weights of rank ≥ 2 (convolution and dense kernels), not to biases or
 * batch-norm scales.
 */
export class Optimizer {
  /** Steps applied so far (Adam's bias correction uses it). */
  step = 0;
  readonly slots: OptimizerSlot[] = [];
  private readonly moments: Variable[][] = [];

  constructor(
    private readonly tf: Tf,
    readonly spec: OptimizerSpec,
    private readonly weights: { name: string; variable: Variable }[],
  ) {
    const slotNames = spec.type === 'sgd' ? ((spec.momentum ?? 0) > 0 ? ['momentum'] : []) : ['m', 'v'];
    for (const w of weights) {
      const vars = slotNames.map((s) => {
        // Variables outlive the tidy; the zeros they start from do not.
        const variable = tf.tidy(() => tf.variable(tf.zerosLike(w.variable), false));
        this.slots.push({ name: `${w.name}/${s}`, variable });
        return variable;
      });
      this.moments.push(vars);
    }
  }

  /** Apply one step of `grads` (same order as the weights) at learning rate `lr`. Call inside a tidy. */
  apply(grads: Tensor[], lr: number): void {
    const tf = this.tf;
    const { type } = this.spec;
    const wd = this.spec.weightDecay ?? 0;
    this.step += 1;
    const t = this.step;
    const b1 = this.spec.beta1 ?? 0.9;
    const b2 = this.spec.beta2 ?? 0.999;
    const eps = this.spec.epsilon ?? 1e-8;
    // PyTorch's form: w −= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε); corrections in double precision.
    const stepSize = lr / (1 - b1 ** t);
    const vScale = 1 / Math.sqrt(1 - b2 ** t);
    this.weights.forEach(({ variable: w }, i) => {
      const decays = wd > 0 && w.rank >= 2;
      let g = grads[i];
      if (decays && type !== 'adamw') g = tf.add(g, tf.mul(w, wd));
      if (type === 'sgd') {
        const mu = this.spec.momentum ?? 0;
        let update = g;
        if (mu > 0) {
          const buf = this.moments[i][0];
          buf.assign(tf.add(tf.mul(buf, mu), g));
          update = buf;
        }
        w.assign(tf.sub(w, tf.mul(update, lr)));
        return;
      }
      const [m, v] = this.moments[i];
      m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
      v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
      const base = decays && type === 'adamw' ? tf.mul(w, 1 - lr * wd) : w;
      w.assign(tf.sub(base, tf.mul(tf.div(m, tf.add(tf.mul(tf.sqrt(v), vScale), eps)), stepSize)));
    });
  }

  dispose(): void {
    for (const s of this.slots) s.variable.dispose();
  }
}
