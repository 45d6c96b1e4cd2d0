import type { LayersModel } from '@tensorflow/tfjs';
import { BUNDLE_FORMAT, InputError, type BundleMeta } from '../core-api';
import { encodeModel } from '../proto/encode-model';
import type { Dim, ModelProto } from '../proto/onnx-types';
import { ENGINE_ONNX_NAME, ENGINE_ONNX_VERSION } from '../version';
import { floatValueInfo, GraphBuilder } from './graph-builder';
import { LAYER_CONVERTERS } from './layer-converters';
import { readModelGraph, type ModelGraph } from './tfjs-graph';

/**
 * ONNX opset of exported models. 17 (ONNX 1.12, 2022) is read by every ONNX Runtime since 1.13,
 * including the Java and Python ones Fiji / deepImageJ and bioimageio.core run; mish and gelu are
 * written as their formulas because their own ops came later (Mish 18, Gelu 20).
 */
export const ONNX_OPSET = 17;
/** IR version that goes with opset 17. */
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT_NAME = 'input';
export const ONNX_OUTPUT_NAME = 'output';
/** metadata_props key holding the bundle's biaflow.json (without the training config). */
export const BIAFLOW_METADATA_KEY = 'biaflow';

export interface ExportOnnxOptions {
  /** The bundle's description: recorded in the model's metadata and documentation. */
  meta?: BundleMeta;
  /** Graph name (default: the model's name). */
  graphName?: string;
}

function isBundleMeta(x: BundleMeta | ExportOnnxOptions): x is BundleMeta {
  return (x as BundleMeta).format === BUNDLE_FORMAT;
}

/**
 * The ONNX model (an encoded ModelProto) computing what `model.predict` computes, channels first:
 * `input` is `[batch, channels, (z,) y, x]` float32 and `output` `[batch, channels, (z,) y, x]`
 * (segmentation) or `[batch, classes]` (classifiers). Batch and spatial axes are dynamic
 * (`batch`, `z`, `y`, `x`); segmentation networks need spatial sizes that are multiples of the
 * bundle's `size_divisor`, as in tfjs. Weights are stored in ONNX's layouts; batch norm is a
 * BatchNormalization node with the moving statistics; dropout is left out.
 *
 * Throws an InputError naming the layer when the model holds a layer with no ONNX conversion.
 */
export function exportOnnx(model: LayersModel, metaOrOptions: BundleMeta | ExportOnnxOptions = {}): Uint8Array {
  return encodeModel(buildOnnxModel(model, metaOrOptions));
}

/** The ModelProto `exportOnnx` encodes. */
export function buildOnnxModel(model: LayersModel, metaOrOptions: BundleMeta | ExportOnnxOptions = {}): ModelProto {
  const options: ExportOnnxOptions = isBundleMeta(metaOrOptions) ? { meta: metaOrOptions } : metaOrOptions;
  let graph: ModelGraph;
  try {
    graph = readModelGraph(model);
  } catch (e) {
    throw new InputError(`cannot export model "${model.name}" to ONNX: ${(e as Error).message}`, { cause: e });
  }
  const { inputDims, outputDims } = ioDims(graph);
  const g = new GraphBuilder();
  const values = new Map<number, string>([[graph.input.id, g.unique(ONNX_INPUT_NAME)]]);
  const output = g.unique(ONNX_OUTPUT_NAME);
  for (const layer of graph.layers) {
    if (layer.className === 'InputLayer') continue;
    const convert = LAYER_CONVERTERS[layer.className];
    if (!convert) {
      throw new InputError(`cannot export model "${model.name}" to ONNX: layer ${layer.name} is a ${layer.className}, which has no ONNX conversion`, {
        hint: `exportable layer classes: ${Object.keys(LAYER_CONVERTERS).join(', ')}`,
      });
    }
    const inputs = layer.inputs.map((id) => {
      const name = values.get(id);
      if (name === undefined) throw new InputError(`cannot export model "${model.name}" to ONNX: layer ${layer.name} reads a tensor no earlier layer produced`);
      return name;
    });
    try {
      values.set(layer.output, convert({ g, layer, inputs }));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`cannot export model "${model.name}" to ONNX: ${(e as Error).message}`, { cause: e });
    }
  }
  const last = values.get(graph.output.id) as string;
  // The network's last value becomes `output` through an Identity that ONNX Runtime optimizes away.
  g.opInto('Identity', [last], output);
  const meta = options.meta;
  const layout = inputDims.length === 5 ? 'bczyx' : 'bcyx';
  const doc =
    `biaflow ${meta?.architecture ?? graph.name} network, channels first: input [${inputDims}] float32 (axes ${layout}), ` +
    `output [${outputDims}]${outputDims.length === 2 ? ' (axes bc)' : ` (axes ${layout})`}.` +
    (meta && outputDims.length > 2 ? ` Spatial sizes must be multiples of [${meta.size_divisor}] (${layout.slice(2)} order).` : '');
  return {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: ENGINE_ONNX_NAME,
    producerVersion: ENGINE_ONNX_VERSION,
    modelVersion: 1,
    docString: doc,
    graph: g.graph(options.graphName ?? graph.name, [floatValueInfo(ONNX_INPUT_NAME, inputDims)], [floatValueInfo(ONNX_OUTPUT_NAME, outputDims)], doc),
    metadataProps: meta ? [{ key: BIAFLOW_METADATA_KEY, value: JSON.stringify({ ...meta, config: undefined }) }] : [],
  };
}

/** Graph input and output shapes, channels first: fixed sizes where tfjs has them, named axes elsewhere. */
function ioDims(graph: ModelGraph): { inputDims: Dim[]; outputDims: Dim[] } {
  const inShape = graph.input.shape;
  const outShape = graph.output.shape;
  const nd = inShape.length - 2;
  if (nd !== 2 && nd !== 3) throw new InputError(`cannot export model "${graph.name}" to ONNX: its input has rank ${inShape.length}; expected [batch, (z,) y, x, channels]`);
  const axisNames = ['z', 'y', 'x'].slice(3 - nd);
  const spatial: Dim[] = inShape.slice(1, -1).map((v, i) => v ?? axisNames[i]);
  const inputDims: Dim[] = ['batch', inShape[inShape.length - 1] ?? 'channels', ...spatial];
  const outChannels = outShape[outShape.length - 1] ?? 'out_channels';
  if (outShape.length === 2) return { inputDims, outputDims: ['batch', outChannels] };
  const outSpatial: Dim[] = outShape.slice(1, -1).map((v, i) => v ?? spatial[i]);
  return { inputDims, outputDims: ['batch', outChannels, ...outSpatial] };
}
