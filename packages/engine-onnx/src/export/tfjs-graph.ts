import type { LayersModel, Tensor } from '@tensorflow/tfjs';

/**
 * A tfjs LayersModel read as a plain graph: its layers in topological order, each with the ids of
 * the symbolic tensors it reads and writes, its config and its weights. The only module that looks
 * inside tfjs-layers' topology (layers, inbound nodes, symbolic tensors, layer variables).
 */

type Shape = (number | null)[];

export interface WeightValue {
  data: Float32Array;
  shape: number[];
}

export interface LayerInfo {
  name: string;
  /** The class name tfjs serializes the layer under (`BiaflowConv`, `Activation`, ...). */
  className: string;
  config: Record<string, unknown>;
  /** Ids of the tensors the layer reads, in call order. */
  inputs: number[];
  inputShapes: Shape[];
  output: number;
  outputShape: Shape;
  /** A weight by the name the layer gave it (`kernel`, `bias`, `gamma`, `moving_mean`...). */
  weight(name: string): WeightValue;
  hasWeight(name: string): boolean;
}

export interface ModelGraph {
  name: string;
  layers: LayerInfo[];
  input: { id: number; shape: Shape };
  output: { id: number; shape: Shape };
}

interface SymbolicTensorLike {
  id: number;
  shape: Shape;
}
interface NodeLike {
  inputTensors: SymbolicTensorLike[];
  outputTensors: SymbolicTensorLike[];
}
interface VariableLike {
  originalName: string;
  shape: number[];
  dtype: string;
  read(): Tensor;
}
interface LayerLike {
  name: string;
  inboundNodes: NodeLike[];
  weights: VariableLike[];
  getClassName(): string;
  getConfig(): Record<string, unknown>;
}

export function readModelGraph(model: LayersModel): ModelGraph {
  const m = model as unknown as { name: string; layers: LayerLike[]; inputs: SymbolicTensorLike[]; outputs: SymbolicTensorLike[] };
  if (m.inputs.length !== 1 || m.outputs.length !== 1) {
    throw new Error(`the model has ${m.inputs.length} inputs and ${m.outputs.length} outputs; ONNX export handles one of each`);
  }
  const layers = m.layers.map((layer): LayerInfo => {
    if (layer.inboundNodes.length !== 1) {
      throw new Error(`layer ${layer.name} is called ${layer.inboundNodes.length} times; ONNX export handles layers called once`);
    }
    const node = layer.inboundNodes[0];
    if (node.outputTensors.length !== 1) throw new Error(`layer ${layer.name} has ${node.outputTensors.length} outputs; ONNX export handles one`);
    const find = (name: string) => layer.weights.find((w) => w.originalName === name || w.originalName.endsWith(`/${name}`));
    return {
      name: layer.name,
      className: layer.getClassName(),
      config: layer.getConfig(),
      inputs: node.inputTensors.map((t) => t.id),
      inputShapes: node.inputTensors.map((t) => t.shape),
      output: node.outputTensors[0].id,
      outputShape: node.outputTensors[0].shape,
      hasWeight: (name) => find(name) !== undefined,
      weight(name) {
        const w = find(name);
        if (!w) throw new Error(`layer ${layer.name} has no weight "${name}" (it has ${layer.weights.map((v) => v.originalName).join(', ') || 'none'})`);
        if (w.dtype !== 'float32') throw new Error(`weight ${w.originalName} is ${w.dtype}; ONNX export handles float32`);
        return { data: Float32Array.from(w.read().dataSync() as Float32Array), shape: w.shape.slice() };
      },
    };
  });
  return { name: m.name, layers, input: { id: m.inputs[0].id, shape: m.inputs[0].shape }, output: { id: m.outputs[0].id, shape: m.outputs[0].shape } };
}
