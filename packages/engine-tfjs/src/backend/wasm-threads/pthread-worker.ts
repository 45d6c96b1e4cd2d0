// Entry file of a tfjs-backend-wasm pthread worker in Node.
//
// tfjs starts its emscripten pthread workers from a `blob:` URL, which Node's Worker refuses
// (ERR_WORKER_PATH). biaflow starts them from this real file instead (see threaded-loader.ts);
// it runs the worker script tfjs ships as a string, unchanged, in this thread's global scope.
import path from 'node:path';
import vm from 'node:vm';
import { workerData } from 'node:worker_threads';

const { wasmOutDir } = workerData as { wasmOutDir: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { wasmWorkerContents } = require(path.join(wasmOutDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
  wasmWorkerContents: string;
};
// The script expects the globals of a CommonJS worker file.
Object.assign(globalThis, { require, __filename: path.join(wasmOutDir, 'tfjs-backend-wasm-threaded-simd.js') });
// tfjs escapes newlines the same way before putting the script in a Blob: the string holds a
// literal "\n" that must stay an escape inside the script's string literals.
vm.runInThisContext(wasmWorkerContents.replace(/\n/g, '\\n'), { filename: 'tfjs-backend-wasm-threaded-simd.worker.js' });
