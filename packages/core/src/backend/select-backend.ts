import { createRequire } from 'node:module';
import { UsageError } from '../errors';
import type { Tf } from '../kernel/run-context';
import type { Logger } from '../logging/logger';
import { prepareWasmBackend } from './wasm';

export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

interface Candidate {
  choice: Exclude<BackendChoice, 'auto'>;
  /** The package that provides it; cpu ships inside @tensorflow/tfjs. */
  pkg?: string;
  /** Name tfjs registers it under. */
  tfName: string;
}

/** In the order `auto` tries them: native GPU, native CPU, WebAssembly, then plain JS. */
const CANDIDATES: Candidate[] = [
  { choice: 'tensorflow-gpu', pkg: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow' },
  { choice: 'tensorflow', pkg: '@tensorflow/tfjs-node', tfName: 'tensorflow' },
  { choice: 'wasm', pkg: '@tensorflow/tfjs-backend-wasm', tfName: 'wasm' },
  { choice: 'cpu', tfName: 'cpu' },
];

export interface SelectedBackend {
  choice: Exclude<BackendChoice, 'auto'>;
  /** tfjs's name of the active backend. */
  name: string;
  /** Why it was chosen, for the log. */
  reason: string;
}

const localRequire = createRequire(__filename);

function installed(pkg: string): boolean {
  try {
    localRequire.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Activate a tfjs backend. `auto` takes the fastest one installed; naming one that is not
 * installed is an error with the install command. The cpu backend is only a last resort.
 */
export async function selectBackend(tf: Tf, requested: BackendChoice, logger?: Logger): Promise<SelectedBackend> {
  const skipped: string[] = [];
  const candidates = requested === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.choice === requested);
  for (const c of candidates) {
    if (c.pkg && !installed(c.pkg)) {
      if (requested !== 'auto') {
        throw new UsageError(
          `system.backend is "${requested}" but ${c.pkg} is not installed`,
          `install it with \`npm i ${c.pkg}\`, or set system.backend: auto`,
        );
      }
      skipped.push(`${c.pkg} not installed`);
      continue;
    }
    try {
      if (c.choice === 'wasm') await prepareWasmBackend(tf);
      else if (c.pkg) localRequire(c.pkg);
      const ok = await tf.setBackend(c.tfName);
      if (!ok) throw new Error(`tf.setBackend("${c.tfName}") returned false`);
      await tf.ready();
    } catch (e) {
      if (requested !== 'auto') {
        throw new UsageError(`system.backend "${requested}" could not start: ${(e as Error).message}`);
      }
      skipped.push(`${c.pkg ?? c.choice} failed to start (${(e as Error).message})`);
      continue;
    }
    const reason =
      requested === 'auto' ? (skipped.length ? `auto: ${skipped.join('; ')}` : 'auto: first choice available') : 'requested';
    if (c.choice === 'cpu') logger?.warn('using the cpu backend: training will be very slow (install @tensorflow/tfjs-backend-wasm)');
    return { choice: c.choice, name: tf.getBackend(), reason };
  }
  throw new UsageError(`no tfjs backend could start (${skipped.join('; ')})`);
}
