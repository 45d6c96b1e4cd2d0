import type * as Ort from 'onnxruntime-node';
import type { NdArray } from '@biaflow/bioimageio';
import { clip, InputError } from '../core-api';

/** onnxruntime-node, loaded on first use. */
function ort(): typeof Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('onnxruntime-node') as typeof Ort;
}

const ORT_TYPES: Record<string, Ort.Tensor.Type> = {
  Float32Array: 'float32',
  Float64Array: 'float64',
  Uint8Array: 'uint8',
  Int8Array: 'int8',
  Uint16Array: 'uint16',
  Int16Array: 'int16',
  Uint32Array: 'uint32',
  Int32Array: 'int32',
  BigInt64Array: 'int64',
  BigUint64Array: 'uint64',
};

/** A copy of a typed array made in this realm (ONNX Runtime's native arrays come from Node's own). */
function ownCopy(data: Ort.Tensor['data']): NdArray['data'] {
  const tag = (data as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
  switch (tag) {
    case 'Float32Array':
      return Float32Array.from(data as Float32Array);
    case 'Float64Array':
      return Float64Array.from(data as Float64Array);
    case 'Uint8Array':
      return Uint8Array.from(data as Uint8Array);
    case 'Int8Array':
      return Int8Array.from(data as Int8Array);
    case 'Uint16Array':
      return Uint16Array.from(data as Uint16Array);
    case 'Int16Array':
      return Int16Array.from(data as Int16Array);
    case 'Uint32Array':
      return Uint32Array.from(data as Uint32Array);
    case 'Int32Array':
      return Int32Array.from(data as Int32Array);
    default:
      throw new InputError(`ONNX Runtime returned ${tag ?? typeof data} data, which biaflow does not read`);
  }
}

/** An ONNX Runtime session (CPU) kept open to run one model many times (tiles of an image). */
export interface OnnxSession {
  /** Inputs by position onto the session's inputs, outputs in the session's order, no layout change. */
  run(inputs: readonly NdArray[]): Promise<NdArray[]>;
  release(): Promise<void>;
}

/** Where the ONNX bytes come from (`file`, named by a model ONNX Runtime cannot load), and its threads. */
export interface OnnxSessionOptions {
  threads?: number;
  file?: string;
}

/** Open an ONNX model in ONNX Runtime (CPU); a model it cannot load is an `InputError` naming `options.file`. */
export async function openOnnxSession(onnx: Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const { InferenceSession, Tensor } = ort();
  let session: Ort.InferenceSession;
  try {
    session = await InferenceSession.create(onnx, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      interOpNumThreads: 1,
      logSeverityLevel: 4,
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    });
  } catch (e) {
    throw new InputError(`cannot load the ONNX model: ${clip((e as Error).message)}`, {
      file: options.file,
      hint: 'the file is not a valid ONNX model (damaged, truncated, or another format), or it uses operators ONNX Runtime lacks',
      cause: e,
    });
  }
  return {
    async run(inputs) {
      if (session.inputNames.length !== inputs.length) {
        throw new InputError(`the ONNX model has ${session.inputNames.length} input(s) (${clip(session.inputNames.join(', '), 120)}), the description ${inputs.length}`);
      }
      const feeds: Record<string, Ort.Tensor> = {};
      session.inputNames.forEach((name, i) => {
        const tag = (inputs[i].data as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? '';
        const type = ORT_TYPES[tag];
        if (!type) throw new InputError(`input ${i} holds ${tag || 'untyped'} data, which ONNX Runtime does not take`);
        feeds[name] = new Tensor(type, inputs[i].data as Float32Array, inputs[i].shape);
      });
      const out = await session.run(feeds);
      return session.outputNames.map((name) => {
        const t = out[name] as Ort.Tensor;
        try {
          return { data: ownCopy(t.data), shape: [...t.dims] };
        } finally {
          t.dispose();
        }
      });
    },
    release: () => session.release(),
  };
}

/**
 * Run an ONNX model once as it is (no layout change): inputs by position onto the session's
 * inputs, outputs in the session's order. What a zoo package's `onnx` weights are tested with
 * (bioimageio.core maps tensors by position too).
 */
export async function runOnnxModel(onnx: Uint8Array, inputs: readonly NdArray[], options: OnnxSessionOptions = {}): Promise<NdArray[]> {
  const session = await openOnnxSession(onnx, options);
  try {
    return await session.run(inputs);
  } finally {
    await session.release();
  }
}
