import { isDType, type DType } from '../ndarray';
import { FieldReader, describe } from './fields';
import { isSizeReference } from './sizes';
import {
  WEIGHTS_FORMATS,
  type Axis,
  type AxisSize,
  type FileDescr,
  type InputTensorDescr,
  type ModelDescription,
  type OutputTensorDescr,
  type ProcessingDescr,
  type TensorDescr,
  type WeightsEntry,
  type WeightsFormat
} from './types';
import { quote } from '../printable';

/** The spec normalizes one-letter ids of non-space axes to their type's name. */
const AXIS_ID_ALIASES: Record<string, string> = { b: 'batch', t: 'time', i: 'index', c: 'channel' };
/** The axis id an id from the file stands for (own entries only: an id `constructor` is itself). */
const axisId = (id: string): string => (Object.hasOwn(AXIS_ID_ALIASES, id) ? AXIS_ID_ALIASES[id] : id);
const DEFAULT_AXIS_ID: Record<Axis['type'], string> = { batch: 'batch', channel: 'channel', space: 'x', time: 'time', index: 'index' };
const AXIS_TYPES = Object.keys(DEFAULT_AXIS_ID) as Axis['type'][];

/**
 * Type a spec 0.5 model description (the parsed YAML). Structural problems (a field of the wrong
 * kind, an unknown axis type) throw a `BioimageioError` naming the field; relations between fields
 * (size references, halos) are checked by `checkModelDescription`.
 */
export function parseModelDescriptionV05(raw: Record<string, unknown>, file?: string): ModelDescription {
  const r = new FieldReader(file);
  const inputs = r.array(raw.inputs, 'inputs').map((t, i) => parseInput(r, t, `inputs[${i}]`));
  const outputs = r.array(raw.outputs, 'outputs').map((t, i) => parseOutput(r, t, `outputs[${i}]`));
  if (inputs.length === 0) r.fail('inputs', 'must list at least one input tensor');
  if (outputs.length === 0) r.fail('outputs', 'must list at least one output tensor');
  return {
    type: 'model',
    format_version: r.string(raw.format_version, 'format_version'),
    name: r.string(raw.name, 'name'),
    description: r.optionalString(raw.description, 'description') ?? '',
    inputs,
    outputs,
    weights: parseWeights(r, raw.weights),
    documentation: r.optionalString(raw.documentation, 'documentation'),
    covers: r.optionalArray(raw.covers, 'covers').map((c, i) => r.string(c, `covers[${i}]`)),
    attachments: r.optionalArray(raw.attachments, 'attachments').map((a, i) => parseFile(r, a, `attachments[${i}]`)),
    config: r.optionalObject(raw.config, 'config')
  };
}

export function parseFile(r: FieldReader, value: unknown, path: string): FileDescr {
  const o = r.object(value, path);
  const sha256 = r.optionalString(o.sha256, `${path}.sha256`);
  if (sha256 !== null && !/^[0-9a-fA-F]{64}$/.test(sha256)) r.fail(`${path}.sha256`, `must be 64 hexadecimal digits, got ${describe(sha256)}`);
  return { source: r.string(o.source, `${path}.source`), sha256: sha256?.toLowerCase() ?? null };
}

function optionalFile(r: FieldReader, value: unknown, path: string): FileDescr | null {
  return value === undefined || value === null ? null : parseFile(r, value, path);
}

function parseTensorBase(r: FieldReader, value: unknown, path: string, io: 'input' | 'output'): { o: Record<string, unknown>; base: TensorDescr } {
  const o = r.object(value, path);
  const axes = r.array(o.axes, `${path}.axes`).map((a, i) => parseAxis(r, a, `${path}.axes[${i}]`, io));
  if (axes.length === 0) r.fail(`${path}.axes`, 'must list at least one axis');
  const seen = new Set<string>();
  axes.forEach((a, i) => {
    if (seen.has(a.id)) r.fail(`${path}.axes[${i}].id`, `duplicate axis id ${quote(a.id)} (every axis of a tensor needs its own id; a space axis without an id is 'x')`);
    seen.add(a.id);
  });
  return {
    o,
    base: {
      id: o.id === undefined ? io : r.string(o.id, `${path}.id`),
      description: r.optionalString(o.description, `${path}.description`) ?? '',
      axes,
      test_tensor: optionalFile(r, o.test_tensor, `${path}.test_tensor`),
      sample_tensor: optionalFile(r, o.sample_tensor, `${path}.sample_tensor`),
      dtype: parseDataType(r, o.data, `${path}.data`),
      data: o.data ?? null
    }
  };
}

function parseInput(r: FieldReader, value: unknown, path: string): InputTensorDescr {
  const { o, base } = parseTensorBase(r, value, path, 'input');
  return { ...base, optional: r.boolean(o.optional, `${path}.optional`, false), preprocessing: parseSteps(r, o.preprocessing, `${path}.preprocessing`) };
}

function parseOutput(r: FieldReader, value: unknown, path: string): OutputTensorDescr {
  const { o, base } = parseTensorBase(r, value, path, 'output');
  return { ...base, postprocessing: parseSteps(r, o.postprocessing, `${path}.postprocessing`) };
}

function parseDataType(r: FieldReader, data: unknown, path: string): DType {
  if (data === undefined || data === null) return 'float32';
  const first = Array.isArray(data) ? data[0] : data;
  const firstPath = Array.isArray(data) ? `${path}[0]` : path;
  const o = r.object(first, firstPath);
  // NominalOrOrdinalDataDescr (with `values`) defaults to uint8, IntervalOrRatioDataDescr to float32.
  if (o.type === undefined) return o.values === undefined ? 'float32' : 'uint8';
  if (!isDType(o.type)) r.fail(`${firstPath}.type`, `unknown data type ${describe(o.type)} (float32, float64, uint8, int8, uint16, int16, uint32, int32, uint64, int64, bool)`);
  return o.type;
}

function parseSteps(r: FieldReader, value: unknown, path: string): ProcessingDescr[] {
  return r.optionalArray(value, path).map((s, i) => {
    const o = r.object(s, `${path}[${i}]`);
    return { id: r.string(o.id, `${path}[${i}].id`), kwargs: r.optionalObject(o.kwargs, `${path}[${i}].kwargs`) };
  });
}

function parseAxis(r: FieldReader, value: unknown, path: string, io: 'input' | 'output'): Axis {
  const o = r.object(value, path);
  const type = o.type;
  if (typeof type !== 'string' || !(AXIS_TYPES as string[]).includes(type)) {
    r.fail(`${path}.type`, `unknown axis type ${describe(type)} (batch, channel, space, time or index)`);
  }
  const axisType = type as Axis['type'];
  const rawId = o.id === undefined ? DEFAULT_AXIS_ID[axisType] : r.string(o.id, `${path}.id`);
  const id = axisId(rawId);
  switch (axisType) {
    case 'batch': {
      if (o.size !== undefined && o.size !== null && o.size !== 1) r.fail(`${path}.size`, `a batch axis size is 1 or left out (any batch size), got ${describe(o.size)}`);
      return { type: 'batch', id, size: o.size === 1 ? 1 : null };
    }
    case 'channel': {
      const names = r.array(o.channel_names, `${path}.channel_names`).map((n, i) => r.string(n, `${path}.channel_names[${i}]`));
      if (names.length === 0) r.fail(`${path}.channel_names`, 'must name at least one channel');
      return { type: 'channel', id, channel_names: names };
    }
    case 'index':
      return { type: 'index', id, size: parseSize(r, o.size, `${path}.size`, io, 'index'), concatenable: r.boolean(o.concatenable, `${path}.concatenable`, false) };
    case 'space':
    case 'time': {
      const halo = o.halo === undefined ? 0 : r.integer(o.halo, `${path}.halo`, 1);
      if (halo > 0 && io === 'input') r.fail(`${path}.halo`, 'a halo is declared on output axes only');
      const size = parseSize(r, o.size, `${path}.size`, io, axisType);
      if (halo > 0 && !isSizeReference(size)) {
        r.fail(`${path}.size`, 'an output axis with a halo must give its size as a reference to an input axis ({tensor_id, axis_id, offset})');
      }
      const scale = o.scale === undefined ? 1 : r.number(o.scale, `${path}.scale`);
      if (scale <= 0) r.fail(`${path}.scale`, `must be > 0, got ${scale}`);
      return {
        type: axisType,
        id,
        size,
        halo,
        scale,
        unit: r.optionalString(o.unit, `${path}.unit`),
        concatenable: r.boolean(o.concatenable, `${path}.concatenable`, false)
      };
    }
  }
}

function parseSize(r: FieldReader, value: unknown, path: string, io: 'input' | 'output', axisType: 'space' | 'time' | 'index'): AxisSize {
  if (typeof value === 'number') return r.integer(value, path, 1);
  if (value === undefined) r.fail(path, 'is required');
  const o = r.object(value, path);
  if ('tensor_id' in o || 'axis_id' in o) {
    return {
      tensor_id: r.string(o.tensor_id, `${path}.tensor_id`),
      axis_id: (() => {
        const a = r.string(o.axis_id, `${path}.axis_id`);
        return axisId(a);
      })(),
      offset: o.offset === undefined ? 0 : r.integer(o.offset, `${path}.offset`)
    };
  }
  if ('step' in o) {
    if (io === 'output') r.fail(path, 'an output axis size is an integer or a reference to another axis ({tensor_id, axis_id}), not {min, step}');
    return { min: r.integer(o.min, `${path}.min`, 1), step: r.integer(o.step, `${path}.step`, 1) };
  }
  if (io === 'output' && axisType === 'index') {
    const max = o.max === undefined || o.max === null ? null : r.integer(o.max, `${path}.max`, 2);
    return { min: o.min === undefined ? 1 : r.integer(o.min, `${path}.min`, 1), max };
  }
  return r.fail(path, 'must be an integer, {min, step} or a reference to another axis ({tensor_id, axis_id, offset})');
}

function parseWeights(r: FieldReader, value: unknown): Partial<Record<WeightsFormat, WeightsEntry>> {
  const o = r.object(value, 'weights');
  const out: Partial<Record<WeightsFormat, WeightsEntry>> = {};
  for (const [key, entry] of Object.entries(o)) {
    const path = `weights.${key}`;
    if (!(WEIGHTS_FORMATS as readonly string[]).includes(key)) {
      r.fail(path, `unknown weights format ${quote(key)} (${WEIGHTS_FORMATS.join(', ')})`);
    }
    if (entry === null || entry === undefined) continue;
    const format = key as WeightsFormat;
    const e = r.object(entry, path);
    const file = parseFile(r, e, path);
    const parent = r.optionalString(e.parent, `${path}.parent`);
    if (parent !== null && !(WEIGHTS_FORMATS as readonly string[]).includes(parent)) r.fail(`${path}.parent`, `unknown weights format ${quote(parent)}`);
    const w: WeightsEntry = { format, source: file.source, sha256: file.sha256, parent: parent as WeightsFormat | null };
    if (format === 'onnx') {
      if (e.opset_version !== undefined) w.opset_version = r.integer(e.opset_version, `${path}.opset_version`, 7);
      w.external_data = optionalFile(r, e.external_data, `${path}.external_data`);
    }
    if (format === 'keras_hdf5' || format === 'tensorflow_js' || format === 'tensorflow_saved_model_bundle') {
      w.tensorflow_version = r.version(e.tensorflow_version, `${path}.tensorflow_version`);
    }
    if (format === 'pytorch_state_dict' || format === 'torchscript') w.pytorch_version = r.version(e.pytorch_version, `${path}.pytorch_version`);
    if (format === 'pytorch_state_dict' || format === 'tensorflow_saved_model_bundle') w.dependencies = optionalFile(r, e.dependencies, `${path}.dependencies`);
    if (format === 'pytorch_state_dict' && e.architecture !== undefined) {
      const a = r.object(e.architecture, `${path}.architecture`);
      w.architecture = {
        callable: r.string(a.callable, `${path}.architecture.callable`),
        kwargs: r.optionalObject(a.kwargs, `${path}.architecture.kwargs`)
      };
      if (a.source !== undefined) {
        const f = parseFile(r, a, `${path}.architecture`);
        w.architecture.source = f.source;
        w.architecture.sha256 = f.sha256;
      }
      if (a.import_from !== undefined) w.architecture.import_from = r.string(a.import_from, `${path}.architecture.import_from`);
    }
    out[format] = w;
  }
  if (Object.keys(out).length === 0) r.fail('weights', 'must give at least one weights format');
  return out;
}
