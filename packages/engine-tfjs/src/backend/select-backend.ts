import { createRequire } from 'node:module';
import { UsageError } from '@biaflow/core';
import type { Tf } from '@biaflow/core';
import type { Logger } from '@biaflow/core';
import { prepareWasmBackend, wasmThreadCount } from './wasm';
import { installMissingGradients } from './gradients';

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
  /** CPU threads of the wasm backend (undefined for the others, which manage their own). */
  threads?: number;
}

export interface SelectBackendOptions {
  /** Threads for the wasm backend (`system.threads`): a number or `auto` (= cores, at most 8). */
  threads?: number | 'auto';
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
export async function selectBackend(
  tf: Tf,
  requested: BackendChoice,
  logger?: Logger,
  options: SelectBackendOptions = {},
): Promise<SelectedBackend> {
  installMissingGradients(tf);
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
      if (c.choice === 'wasm') await prepareWasmBackend(tf, { threads: options.threads ?? 'auto', warn: (m) => logger?.warn(m) });
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
    const threads = c.choice === 'wasm' ? wasmThreadCount(tf) : undefined;
    return { choice: c.choice, name: tf.getBackend(), reason, ...(threads !== undefined ? { threads } : {}) };
  }
  throw new UsageError(`no tfjs backend could start (${skipped.join('; ')})`);
}
