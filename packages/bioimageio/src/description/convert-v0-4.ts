import { FieldReader, describe } from './fields';
import { quote } from '../printable';

/**
 * Convert a spec 0.4 model description (axes as letters, `shape`, `halo` lists, `test_inputs`,
 * processing steps under `name`) to the 0.5 layout, following the spec's own converter
 * (`bioimageio.spec.model.v0_5` `_convert_proc`, `convert_axes`). What does not convert cleanly is
 * refused with a message naming the 0.4 field. Returns a raw 0.5 object for `parseModelDescriptionV05`.
 */
export function convertV04ToV05(raw: Record<string, unknown>, file?: string): Record<string, unknown> {
  const r = new FieldReader(file);
  const rawInputs = r.array(raw.inputs, 'inputs').map((t, i) => r.object(t, `inputs[${i}]`));
  const rawOutputs = r.array(raw.outputs, 'outputs').map((t, i) => r.object(t, `outputs[${i}]`));
  const testInputs = r.array(raw.test_inputs, 'test_inputs');
  const testOutputs = r.array(raw.test_outputs, 'test_outputs');
  const sampleInputs = r.optionalArray(raw.sample_inputs, 'sample_inputs');
  const sampleOutputs = r.optionalArray(raw.sample_outputs, 'sample_outputs');
  if (testInputs.length !== rawInputs.length) r.fail('test_inputs', `lists ${testInputs.length} files for ${rawInputs.length} inputs`);
  if (testOutputs.length !== rawOutputs.length) r.fail('test_outputs', `lists ${testOutputs.length} files for ${rawOutputs.length} outputs`);

  // Sizes of fixed input/output axes by tensor name and axis letter, for channel axes whose size
  // an implicit output shape gives relative to another tensor.
  const fixedSizes = new Map<string, number>();
  for (const [list, prefix] of [[rawInputs, 'inputs'], [rawOutputs, 'outputs']] as const) {
    list.forEach((t, i) => {
      if (Array.isArray(t.shape)) {
        const axes = r.string(t.axes, `${prefix}[${i}].axes`);
        [...axes].forEach((a, k) => fixedSizes.set(`${String(t.name)}.${a}`, Number((t.shape as unknown[])[k])));
      }
    });
  }

  const inputs = rawInputs.map((t, i) => {
    const path = `inputs[${i}]`;
    const axes = r.string(t.axes, `${path}.axes`);
    return {
      id: r.string(t.name, `${path}.name`),
      axes: convertAxes(r, axes, t.shape, `${path}`, 'input', null, fixedSizes),
      data: { type: r.string(t.data_type, `${path}.data_type`) },
      test_tensor: { source: r.string(testInputs[i], `test_inputs[${i}]`) },
      ...(sampleInputs[i] !== undefined ? { sample_tensor: { source: r.string(sampleInputs[i], `sample_inputs[${i}]`) } } : {}),
      // The spec's converter ends every converted preprocessing with a cast to float32.
      preprocessing: [...convertSteps(r, t.preprocessing, axes, `${path}.preprocessing`), { id: 'ensure_dtype', kwargs: { dtype: 'float32' } }]
    };
  });

  const outputs = rawOutputs.map((t, i) => {
    const path = `outputs[${i}]`;
    const axes = r.string(t.axes, `${path}.axes`);
    const halo = t.halo === undefined || t.halo === null ? null : r.array(t.halo, `${path}.halo`).map((h, k) => r.integer(h, `${path}.halo[${k}]`, 0));
    if (halo && halo.length !== axes.length) r.fail(`${path}.halo`, `lists ${halo.length} values for the ${axes.length} axes ${quote(axes)}`);
    return {
      id: r.string(t.name, `${path}.name`),
      axes: convertAxes(r, axes, t.shape, path, 'output', halo, fixedSizes),
      data: { type: r.string(t.data_type, `${path}.data_type`) },
      test_tensor: { source: r.string(testOutputs[i], `test_outputs[${i}]`) },
      ...(sampleOutputs[i] !== undefined ? { sample_tensor: { source: r.string(sampleOutputs[i], `sample_outputs[${i}]`) } } : {}),
      postprocessing: convertSteps(r, t.postprocessing, axes, `${path}.postprocessing`)
    };
  });

  const attachments = raw.attachments === undefined || raw.attachments === null ? [] : r.optionalArray(r.object(raw.attachments, 'attachments').files, 'attachments.files');
  return {
    type: 'model',
    format_version: raw.format_version,
    name: raw.name,
    description: raw.description,
    documentation: raw.documentation,
    covers: raw.covers,
    attachments: attachments.map((a, k) => ({ source: r.string(a, `attachments.files[${k}]`) })),
    inputs,
    outputs,
    weights: convertWeights(r, raw.weights),
    config: raw.config
  };
}

const AXIS_IDS: Record<string, string> = { b: 'batch', c: 'channel', t: 'time', i: 'index', x: 'x', y: 'y', z: 'z' };

function convertAxes(
  r: FieldReader,
  axes: string,
  shapeValue: unknown,
  path: string,
  io: 'input' | 'output',
  halo: number[] | null,
  fixedSizes: Map<string, number>
): Record<string, unknown>[] {
  for (const a of axes) if (!(a in AXIS_IDS)) r.fail(`${path}.axes`, `unknown axis letter ${quote(a)} in ${quote(axes)} (b, c, t, i, z, y, x)`);
  const shapePath = `${path}.shape`;
  let sizeOf: (k: number) => unknown;
  if (Array.isArray(shapeValue)) {
    if (shapeValue.length !== axes.length) r.fail(shapePath, `lists ${shapeValue.length} sizes for the ${axes.length} axes ${quote(axes)}`);
    sizeOf = (k) => r.integer(shapeValue[k], `${shapePath}[${k}]`, 1);
  } else {
    const s = r.object(shapeValue, shapePath);
    if (io === 'input') {
      const min = r.array(s.min, `${shapePath}.min`);
      const step = r.array(s.step, `${shapePath}.step`);
      if (min.length !== axes.length || step.length !== axes.length) r.fail(shapePath, `min and step must list one value per axis of ${quote(axes)}`);
      sizeOf = (k) => {
        const m = r.integer(min[k], `${shapePath}.min[${k}]`, 1);
        const st = r.integer(step[k], `${shapePath}.step[${k}]`, 0);
        return st === 0 ? m : { min: m, step: st };
      };
    } else {
      const ref = r.string(s.reference_tensor, `${shapePath}.reference_tensor`);
      const scale = r.array(s.scale, `${shapePath}.scale`);
      const offset = r.array(s.offset, `${shapePath}.offset`);
      if (scale.length !== axes.length || offset.length !== axes.length) r.fail(shapePath, `scale and offset must list one value per axis of ${quote(axes)}`);
      sizeOf = (k) => {
        const off = r.number(offset[k], `${shapePath}.offset[${k}]`);
        const sc = scale[k] === null ? 0 : r.number(scale[k], `${shapePath}.scale[${k}]`);
        // 0.4: out = ref * scale + 2 * offset; a null/0 scale inserted a new axis of size 2*offset.
        if (sc === 0) return Math.round(2 * off);
        const a = axes[k];
        if (a === 'c') {
          const refSize = fixedSizes.get(`${ref}.${a}`);
          if (refSize === undefined) r.fail(`${shapePath}`, `the channel count cannot be derived: tensor ${quote(ref)} has no fixed 'c' axis`);
          return Math.round(refSize * sc + 2 * off);
        }
        return { __scale: sc, size: { tensor_id: ref, axis_id: AXIS_IDS[a], offset: Math.round(2 * off) } };
      };
    }
  }
  return [...axes].map((a, k) => {
    const id = AXIS_IDS[a];
    if (a === 'b') return { type: 'batch' };
    const size = sizeOf(k);
    if (a === 'c') {
      if (typeof size !== 'number') r.fail(shapePath, `channel axis ${quote(a)} needs a fixed size, got ${describe(size)}`);
      return { type: 'channel', channel_names: Array.from({ length: size }, (_, n) => `channel${n}`) };
    }
    const type = a === 't' ? 'time' : a === 'i' ? 'index' : 'space';
    const axis: Record<string, unknown> = type === 'space' ? { type, id } : { type };
    if (size && typeof size === 'object' && '__scale' in size) {
      const s = size as { __scale: number; size: unknown };
      axis.size = s.size;
      if (s.__scale !== 1 && type !== 'index') axis.scale = 1 / s.__scale;
    } else {
      axis.size = size;
    }
    if (halo && halo[k] > 0) {
      if (typeof axis.size !== 'object') r.fail(`${path}.halo[${k}]`, 'a halo needs an output size given relative to an input (shape: {reference_tensor, scale, offset})');
      axis.halo = halo[k];
    }
    return axis;
  });
}

/** The one axis a 0.4 `axes` string leaves out besides batch (the axis per-axis values run along). */
function complementAxis(r: FieldReader, tensorAxes: string, axes: unknown, path: string): string | null {
  if (axes === undefined || axes === null) return null;
  const given = r.string(axes, path);
  const rest = [...tensorAxes].filter((a) => a !== 'b' && !given.includes(a));
  if (rest.length > 1) r.fail(path, `${quote(given)} leaves ${rest.length} axes of ${quote(tensorAxes)} (${rest.join(', ')}); per-axis values need exactly one`);
  return rest.length === 1 ? AXIS_IDS[rest[0]] : null;
}

function axisIds(r: FieldReader, axes: unknown, path: string): string[] | undefined {
  if (axes === undefined || axes === null) return undefined;
  return [...r.string(axes, path)].map((a) => AXIS_IDS[a] ?? a);
}

function convertSteps(r: FieldReader, value: unknown, tensorAxes: string, path: string): Record<string, unknown>[] {
  return r.optionalArray(value, path).map((s, i) => {
    const p = `${path}[${i}]`;
    const o = r.object(s, p);
    const name = r.string(o.name, `${p}.name`);
    const kw = r.optionalObject(o.kwargs, `${p}.kwargs`);
    const k = `${p}.kwargs`;
    switch (name) {
      case 'binarize':
        return { id: 'binarize', kwargs: { threshold: r.number(kw.threshold, `${k}.threshold`) } };
      case 'clip':
        return { id: 'clip', kwargs: { min: kw.min, max: kw.max } };
      case 'sigmoid':
        return { id: 'sigmoid' };
      case 'scale_linear': {
        const axis = complementAxis(r, tensorAxes, kw.axes, `${k}.axes`);
        const gain = kw.gain ?? 1;
        const offset = kw.offset ?? 0;
        if (axis === null) {
          if (Array.isArray(gain) || Array.isArray(offset)) r.fail(k, 'per-axis gain/offset lists need `axes` leaving one axis to run along');
          return { id: 'scale_linear', kwargs: { gain, offset } };
        }
        return { id: 'scale_linear', kwargs: { axis, gain, offset } };
      }
      case 'zero_mean_unit_variance': {
        const mode = kw.mode ?? 'fixed';
        if (mode === 'fixed') {
          const axis = complementAxis(r, tensorAxes, kw.axes, `${k}.axes`);
          if (axis === null) {
            if (Array.isArray(kw.mean) || Array.isArray(kw.std)) r.fail(k, 'mean/std lists need `axes` leaving one axis to run along');
            return { id: 'fixed_zero_mean_unit_variance', kwargs: { mean: r.number(kw.mean, `${k}.mean`), std: r.number(kw.std, `${k}.std`) } };
          }
          const list = (v: unknown, f: string) => (Array.isArray(v) ? v : [r.number(v, f)]);
          return { id: 'fixed_zero_mean_unit_variance', kwargs: { axis, mean: list(kw.mean, `${k}.mean`), std: list(kw.std, `${k}.std`) } };
        }
        if (mode !== 'per_sample' && mode !== 'per_dataset') r.fail(`${k}.mode`, `unknown mode ${describe(mode)} (fixed, per_sample, per_dataset)`);
        let axes = axisIds(r, kw.axes, `${k}.axes`) ?? [];
        if (mode === 'per_dataset') axes = ['batch', ...axes];
        return { id: 'zero_mean_unit_variance', kwargs: { ...(axes.length ? { axes } : {}), ...(kw.eps !== undefined ? { eps: kw.eps } : {}) } };
      }
      case 'scale_range':
        return {
          id: 'scale_range',
          kwargs: {
            axes: axisIds(r, kw.axes, `${k}.axes`),
            min_percentile: kw.min_percentile ?? 0,
            max_percentile: kw.max_percentile ?? 100,
            ...(kw.eps !== undefined ? { eps: kw.eps } : {}),
            ...(kw.reference_tensor ? { reference_tensor: kw.reference_tensor } : {})
          }
        };
      case 'scale_mean_variance':
        return {
          id: 'scale_mean_variance',
          kwargs: {
            reference_tensor: r.string(kw.reference_tensor, `${k}.reference_tensor`),
            ...(kw.axes ? { axes: axisIds(r, kw.axes, `${k}.axes`) } : {}),
            ...(kw.eps !== undefined ? { eps: kw.eps } : {})
          }
        };
      default:
        return r.fail(`${p}.name`, `unknown 0.4 processing step ${quote(name)}`);
    }
  });
}

function convertWeights(r: FieldReader, value: unknown): Record<string, unknown> {
  const o = r.object(value, 'weights');
  const out: Record<string, unknown> = {};
  for (const [format, entry] of Object.entries(o)) {
    if (entry === null || entry === undefined) continue;
    const path = `weights.${format}`;
    const e = r.object(entry, path);
    const w: Record<string, unknown> = { source: e.source, sha256: e.sha256 ?? null, parent: e.parent ?? null };
    for (const key of ['opset_version', 'tensorflow_version', 'pytorch_version']) if (e[key] !== undefined && e[key] !== null) w[key] = e[key];
    if (format === 'pytorch_state_dict') {
      const arch = r.string(e.architecture, `${path}.architecture`);
      // 0.4: `file.py:Callable` (a source file) or `package.module.Callable` (an import).
      const colon = arch.lastIndexOf(':');
      if (colon > 0 && !/^https?:\/\/[^:]*$/.test(arch)) {
        w.architecture = { source: arch.slice(0, colon), sha256: e.architecture_sha256 ?? null, callable: arch.slice(colon + 1), kwargs: e.kwargs ?? {} };
      } else {
        const dot = arch.lastIndexOf('.');
        w.architecture = { import_from: arch.slice(0, dot), callable: arch.slice(dot + 1), kwargs: e.kwargs ?? {} };
      }
    }
    out[format] = w;
  }
  return out;
}
