import type * as Ort from 'onnxruntime-node';
import { InputError, type NdArray } from '../core-api';
import { channelsFirstPerm, channelsLastPerm, transpose } from '../layout';

/**
 * Runs one batch of images through a network: channels-last float32 in (`[B, (z,) y, x, C]`),
 * channels-last float32 out (`[B, (z,) y, x, C']`, or `[B, classes]` for classifiers). The shape of
 * an inference engine: core's tiled prediction calls `predict` once per batch of tiles.
 */
export interface BatchPredictor {
  predict(batch: NdArray<Float32Array>): Promise<NdArray<Float32Array>>;
  /** Free the engine's resources; `predict` cannot be called afterwards. */
  dispose(): Promise<void>;
}

export interface OnnxPredictorOptions {
  /**
   * Threads ONNX Runtime uses inside each operator (`intraOpNumThreads`); default: ONNX Runtime's
   * own (one per physical core). Operators run one after another (`interOpNumThreads` 1).
   */
  threads?: number;
}

export interface OnnxPredictor extends BatchPredictor {
  /** The model's input shape, channels first, named axes for dynamic ones (`['batch', 1, 'y', 'x']`). */
  readonly inputShape: readonly (number | string)[];
  readonly outputShape: readonly (number | string)[];
}

/** onnxruntime-node, loaded on first use: importing this package does not load the native runtime. */
function ort(): typeof Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('onnxruntime-node') as typeof Ort;
}

/**
 * An ONNX Runtime session (CPU) on an ONNX model with one channels-first float32 input and output
 * (what `exportOnnx` writes), wrapped to take and give channels-last batches: the transposes to
 * and from `[B, C, ...spatial]` happen here.
 */
export async function createOnnxPredictor(onnx: Uint8Array, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
  const { InferenceSession, Tensor } = ort();
  const threads = options.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new InputError(`ONNX predictor: threads must be a positive integer (got ${threads})`);
  }
  let session: Ort.InferenceSession;
  try {
    session = await InferenceSession.create(onnx, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      interOpNumThreads: 1,
      // Failures reach the caller as errors with ONNX Runtime's message; its own log would repeat them on stderr.
      logSeverityLevel: 4,
      ...(threads ? { intraOpNumThreads: threads } : {}),
    });
  } catch (e) {
    throw new InputError(`cannot load the ONNX model: ${(e as Error).message}`, { hint: 'the bytes are not a valid ONNX model, or it uses operators ONNX Runtime lacks', cause: e });
  }
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    await session.release();
    throw new InputError(`the ONNX model has ${session.inputNames.length} inputs and ${session.outputNames.length} outputs; the predictor runs models with one of each`);
  }
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const shapeOf = (m: Ort.InferenceSession.ValueMetadata) => (m.isTensor ? m.shape : []);
  const inputShape = shapeOf(session.inputMetadata[0]);
  const outputShape = shapeOf(session.outputMetadata[0]);
  let released = false;

  return {
    inputShape,
    outputShape,
    async predict(batch) {
      if (released) throw new Error('ONNX predictor: predict after dispose');
      const rank = batch.shape.length;
      const size = batch.shape.reduce((a, v) => a * v, 1);
      if (batch.data.length !== size) throw new InputError(`ONNX predictor: the batch holds ${batch.data.length} values but its shape [${batch.shape}] needs ${size}`);
      if (inputShape.length > 0 && rank !== inputShape.length) {
        throw new InputError(`ONNX predictor: the batch has shape [${batch.shape}] but the model takes rank-${inputShape.length} batches ([batch, ...spatial, channels])`);
      }
      const channels = inputShape[1];
      if (typeof channels === 'number' && batch.shape[rank - 1] !== channels) {
        throw new InputError(`ONNX predictor: the batch has ${batch.shape[rank - 1]} channel(s) (last axis of [${batch.shape}]) but the model takes ${channels}`);
      }
      const first = channelsFirstPerm(rank);
      const x = new Tensor('float32', transpose(batch.data, batch.shape, first), first.map((p) => batch.shape[p]));
      let y: Ort.Tensor;
      try {
        const out = await session.run({ [inputName]: x });
        y = out[outputName] as Ort.Tensor;
      } catch (e) {
        throw new InputError(`ONNX predictor: the model cannot run on a batch of shape [${batch.shape}]: ${(e as Error).message}`, {
          hint: rank > 2 ? "a segmentation network needs spatial sizes that are multiples of its size divisor (biaflow.json's size_divisor): pad the batch" : undefined,
          cause: e,
        });
      } finally {
        x.dispose();
      }
      try {
        const dims = y.dims.slice();
        const data = y.data as Float32Array;
        if (dims.length <= 2) return { data: Float32Array.from(data), shape: dims };
        const last = channelsLastPerm(dims.length);
        return { data: transpose(data, dims, last), shape: last.map((p) => dims[p]) };
      } finally {
        y.dispose();
      }
    },
    async dispose() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}
