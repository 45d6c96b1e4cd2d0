import { AttributeType, DataType, type AttributeProto, type Dim, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../proto/onnx-types';

export type AttributeValue = number | string | number[] | { floats: number[] } | { float: number };

/**
 * Collects an ONNX graph: nodes in topological order, initializers (weights and constants) and the
 * graph's inputs and outputs, with unique value names.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** A value name not used yet, as close to `wanted` as possible. */
  unique(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.names.has(name); i++) name = `${wanted}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Add a node; returns the names of its outputs (`outputs` of them, named after the node). */
  node(opType: string, inputs: string[], name: string, attributes: Record<string, AttributeValue> = {}, outputs = 1): string[] {
    const nodeName = this.unique(name);
    const out = Array.from({ length: outputs }, (_, i) => (i === 0 ? nodeName : this.unique(`${nodeName}_${i}`)));
    this.nodes.push({ name: nodeName, opType, input: inputs, output: out, attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
    return out;
  }

  /** One-output node. */
  op(opType: string, inputs: string[], name: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, name, attributes)[0];
  }

  /** One-output node writing a value name reserved before with `unique` (a graph output). */
  opInto(opType: string, inputs: string[], output: string, attributes: Record<string, AttributeValue> = {}): void {
    if (!this.names.has(output)) throw new Error(`opInto: ${output} was not reserved`);
    this.nodes.push({ name: this.unique(`${output}_node`), opType, input: inputs, output: [output], attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
  }

  /** A float32 weight tensor, stored once under a unique name. */
  weight(name: string, data: Float32Array, dims: number[]): string {
    const size = dims.reduce((a, v) => a * v, 1);
    if (data.length !== size) throw new Error(`weight ${name}: ${data.length} values for shape [${dims}]`);
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, dataType: DataType.FLOAT, rawData: float32Bytes(data) });
    return unique;
  }

  /** A float32 scalar or vector constant, shared by every node that uses the same value. */
  constant(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.weight(`const_${this.constants.size}`, Float32Array.from(values), dims);
      this.constants.set(key, name);
    }
    return name;
  }

  /** The graph, with its input and output descriptions. */
  graph(name: string, input: ValueInfoProto[], output: ValueInfoProto[], docString?: string): GraphProto {
    return { name, node: this.nodes, initializer: this.initializers, input, output, ...(docString ? { docString } : {}) };
  }
}

/** A float32 graph input or output with fixed (number) and dynamic (named) axes. */
export function floatValueInfo(name: string, dims: Dim[], docString?: string): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
    ...(docString ? { docString } : {}),
  };
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use { float } for floats)`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.FLOAT, f: value.float };
}

/** Little-endian bytes of float32 values (ONNX raw_data is little-endian whatever the host). */
function float32Bytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return bytes;
}
