/**
 * Jest's node environment with the host's typed-array constructors. onnxruntime-node's native
 * binding creates its output arrays in Node's own realm, and onnxruntime-common then checks them
 * with `instanceof Float32Array`; inside jest's sandbox that is another realm's Float32Array and
 * every run fails ("A float32 tensor's data must be type of function Float32Array()"). Plain Node
 * (the CLI, the benchmarks) has one realm and needs nothing of this. Test files that run ONNX
 * Runtime declare `@jest-environment ./packages/engine-onnx/test/onnx-environment.js`.
 * SharedArrayBuffer stays the sandbox's own: the threaded tfjs wasm backend checks its
 * WebAssembly.Memory buffer (made in the sandbox) against it, and ONNX Runtime never needs it.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) if (globalThis[name]) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxEnvironment;
