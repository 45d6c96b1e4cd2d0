// @biaflow/engine-tfjs/internals: everything the engine is made of, for biaflow's own tests, benchmarks
// and tools. Not a stable API: the names may change between minor versions.
export * from './index';
export * from './networks';
export * from './bundle';
export * from './training';
export { prepareWasmBackend, wasmThreadCount, type WasmBackendOptions } from './backend/wasm';
export { useThreadedWasm, resolveThreadCount, threadedLoaderInstalled, MAX_WASM_THREADS } from './backend/wasm-threads/threaded-loader';
export { installWasmKernels } from './backend/wasm-kernels';
export { installMissingGradients } from './backend/gradients';
