import type { io } from '@tensorflow/tfjs';
import { InputError } from '@biaflow/core/errors';

const BYTES_PER_ELEMENT: Record<string, number | undefined> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/**
 * Refuse weights whose size is not what `model.json` describes (a truncated or swapped
 * `weights.bin`): tfjs would otherwise read past the end or load garbage. `file` names the weights
 * in the message. Quantized weights are not checked (their size depends on the quantization).
 */
export function checkWeightBytes(specs: readonly io.WeightsManifestEntry[], byteLength: number, file: string): void {
  const bytes = (s: io.WeightsManifestEntry) => (s.quantization ? undefined : BYTES_PER_ELEMENT[s.dtype]);
  if (!specs.every((s) => bytes(s) !== undefined)) return;
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, v) => a * v, 1) * (bytes(s) as number), 0);
  if (byteLength !== expected) {
    throw new InputError(`holds ${byteLength} bytes of weights where model.json describes ${expected}`, {
      file,
      hint: 'the bundle is damaged: use another checkpoint or retrain',
    });
  }
}
