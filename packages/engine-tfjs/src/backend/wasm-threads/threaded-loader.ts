import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tf } from '@biaflow/core';

/** tfjs-backend-wasm's threaded build preallocates 8 pthread workers; XNNPACK uses at most that many. */
export const MAX_WASM_THREADS = 8;

/** If the threaded build has not started after this long, give up and use one thread. */
const START_TIMEOUT_MS = 60_000;

/** What biaflow uses from the @tensorflow/tfjs-backend-wasm module. */
export interface WasmPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** `auto` is the number of cores; the result is clamped to [1, MAX_WASM_THREADS]. */
export function resolveThreadCount(threads: number | 'auto' | undefined): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = threads === undefined ? 1 : threads === 'auto' ? cores : threads;
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(n)));
}

interface LoaderState {
  threads: number;
  warn?: (message: string) => void;
  failure?: (error: unknown) => void;
}

let state: LoaderState | null = null;

/** True once useThreadedWasm has wrapped the backend factory (later calls only change the count). */
export function threadedLoaderInstalled(): boolean {
  return state !== null;
}

/**
 * Make tfjs-backend-wasm start its threaded (SIMD + pthreads) build in Node, with `threads`
 * XNNPACK threads, when the backend initializes. Must run before it does. Three obstacles, each
 * worked around without touching node_modules:
 *
 * 1. The build is only chosen when the flag WASM_HAS_MULTITHREAD_SUPPORT is true, which tfjs
 *    hard-codes to false in Node: we set it.
 * 2. emscripten starts its 8 pthread workers with `new Worker(blobURL)`, which Node refuses
 *    (ERR_WORKER_PATH), and sends each worker the main script as a Blob it cannot import either.
 *    emscripten takes `Worker` from the global object, after assigning Node's own to it: while
 *    the backend starts (emscripten creates all its workers then), a global accessor hands it a subclass that starts workers from a real file
 *    (pthread-worker.js, which runs tfjs's worker script) and sends the main script's path
 *    (the package's wasm-out/tfjs-backend-wasm-threaded-simd.js) instead of the Blob.
 * 3. tfjs caps the thread count at half of `os.cpus().length` (it assumes hyper-threading), so 1
 *    on a 2-core machine: during initialization only, os.cpus() reports 2 × threads entries.
 *
 * If the threaded build fails to start (a worker error, or no start within a minute), the
 * backend falls back to the single-threaded SIMD build with a warning, so wasm stays usable.
 */
export function useThreadedWasm(
  tf: Tf,
  wasm: WasmPackage,
  threads: number,
  warn?: (message: string) => void,
  /** The pthread worker entry file; only tests pass another one (to make workers fail). */
  workerFile = path.join(__dirname, 'pthread-worker.js'),
): void {
  if (state) {
    state.threads = threads;
    state.warn = warn;
    return;
  }
  const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wasmOutDir = path.join(pkgDir, 'wasm-out');
  const mainScript = path.join(wasmOutDir, 'tfjs-backend-wasm-threaded-simd.js');
  for (const f of [mainScript, path.join(wasmOutDir, 'tfjs-backend-wasm-threaded-simd.worker.js'), workerFile]) {
    if (!fs.existsSync(f)) throw new Error(`threaded wasm needs ${f}, which is missing`);
  }
  state = { threads, warn };
  const current = state;

  const priority = tf.engine().registryFactory.wasm?.priority ?? 2;
  const factory = tf.findBackendFactory('wasm');
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const n = current.threads;
      const single = async () => {
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        wasm.setThreadsCount(1);
        return factory();
      };
      if (n <= 1) return single();
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      wasm.setThreadsCount(n);
      const restoreCpus = reportCores(2 * n);
      // Only while the backend starts (emscripten creates all 8 workers then).
      const restoreWorker = redirectWorkers(workerFile, wasmOutDir, mainScript, (e) => current.failure?.(e));
      try {
        return await startOrFail(Promise.resolve(factory()), current);
      } catch (e) {
        current.warn?.(`the threaded wasm backend did not start (${(e as Error).message ?? e}); using one thread`);
        return single();
      } finally {
        restoreWorker();
        restoreCpus();
      }
    },
    priority,
  );
}

/** The factory's result, or a rejection on the first worker error or after the timeout. */
function startOrFail<T>(start: Promise<T>, s: LoaderState): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    timer.unref();
    s.failure = (e) => reject(e instanceof Error ? e : new Error(String(e)));
    start.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      s.failure = undefined;
    });
  });
}

/** os.cpus() lists at least `n` entries until the returned function is called. */
function reportCores(n: number): () => void {
  const original = os.cpus;
  os.cpus = () => {
    const real = original.call(os);
    return real.length >= n ? real : Array.from({ length: n }, (_, i) => real[i % real.length]);
  };
  return () => {
    os.cpus = original;
  };
}

type WorkerClass = typeof import('node:worker_threads').Worker;

/**
 * See useThreadedWasm, point 2. Until the returned function is called; then the global `Worker`
 * is whatever was last assigned to it (emscripten assigns Node's own), as a plain property.
 */
function redirectWorkers(workerFile: string, wasmOutDir: string, mainScript: string, onError: (e: unknown) => void): () => void {
  const g = globalThis as Record<string, unknown>;
  const before = Object.getOwnPropertyDescriptor(g, 'Worker');
  let base = g.Worker as WorkerClass | undefined;
  let redirect: WorkerClass | undefined;
  const make = (Base: WorkerClass): WorkerClass =>
    class BiaflowPthreadWorker extends Base {
      constructor(url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
        const blob = typeof url === 'string' && url.startsWith('blob:');
        super(blob ? workerFile : url, blob ? { ...options, workerData: { wasmOutDir } } : options);
        this.unref();
        // emscripten listens for errors only once it sends the worker its module: a worker that
        // fails before that would emit an 'error' nobody handles, an uncaught exception.
        super.on('error', (e: unknown) => onError(e));
      }

      // emscripten refs a worker while it runs a pthread, to keep Node alive for it. XNNPACK's
      // pool threads run for the life of the process, only ever doing work the main thread waits
      // for synchronously, so that would keep every process running after its last line.
      override ref(): void {}

      override postMessage(message: unknown, transfer?: readonly import('node:worker_threads').TransferListItem[]): void {
        const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
        if (m && m.cmd === 'load' && typeof m.urlOrBlob !== 'string') message = { ...m, urlOrBlob: mainScript };
        super.postMessage(message, transfer);
      }

      // emscripten rethrows worker errors from its listener, which would crash the process;
      // report them to the loader instead (it falls back to one thread).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      override on(event: string | symbol, listener: (...args: any[]) => void): this {
        if (event !== 'error') return super.on(event, listener);
        return super.on(event, (...args: unknown[]) => {
          try {
            listener(...args);
          } catch (e) {
            onError(e);
          }
        });
      }
    } as unknown as WorkerClass;
  Object.defineProperty(g, 'Worker', {
    configurable: true,
    get: () => (base ? (redirect ??= make(base)) : undefined),
    set: (value: WorkerClass) => {
      if (value !== redirect) {
        base = value;
        redirect = undefined;
      }
    },
  });
  return () => {
    if (base === undefined && !before) delete g.Worker;
    else Object.defineProperty(g, 'Worker', { configurable: true, writable: true, enumerable: before?.enumerable ?? true, value: base });
  };
}
