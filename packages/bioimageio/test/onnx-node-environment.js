// Jest environment for tests that run onnxruntime-node.
//
// Jest runs each test file in its own vm realm, with its own typed-array constructors. The ONNX
// Runtime native binding creates output arrays in Node's main realm, and onnxruntime-common
// (loaded in the test realm) rejects them with `instanceof Float32Array` ("A float32 tensor's data
// must be type of function Float32Array()", microsoft/onnxruntime#16622; tfjs has the same problem
// under jest, tensorflow/tfjs#7175). Sharing the main realm's constructors with the test realm makes
// both sides agree. Use with a docblock: `@jest-environment ./packages/bioimageio/test/onnx-node-environment.js`.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
  'DataView'
];

class OnnxNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxNodeEnvironment;
