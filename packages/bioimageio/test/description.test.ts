import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  bundledSchemaValidator,
  checkModelDescription,
  parseModelDescription,
  parseYaml,
  readModelPackage,
  unsupportedFeatures,
  type ModelDescription
} from '@biaflow/bioimageio';
import { EXAMPLE, expectBioimageioError, expectBioimageioErrorAsync } from './helpers';

const exampleRaw = () => parse(fs.readFileSync(path.join(EXAMPLE, 'bioimageio.yaml'), 'utf8')) as Record<string, any>;
const typed = (raw: unknown, check = true) => parseModelDescription(raw, { file: 'm/bioimageio.yaml', check });

describe('reading a description', () => {
  it('types the example (spec 0.5.4) with the spec defaults filled in', async () => {
    const { description: d, descriptionFile } = await readModelPackage(EXAMPLE);
    expect(descriptionFile).toBe('bioimageio.yaml');
    expect(d.format_version).toBe('0.5.4');
    expect(d.name).toBe('UNet 2D Nuclei Broad');
    expect(d.inputs[0]).toMatchObject({
      id: 'raw',
      dtype: 'float32',
      test_tensor: { source: 'test_input.npy', sha256: '92768a2e0f2643c80b57afa5494019a5aafe5b0d92fe36ae740763adf3594a57' },
      preprocessing: [
        { id: 'ensure_dtype', kwargs: { dtype: 'float32' } },
        { id: 'zero_mean_unit_variance', kwargs: { axes: ['x', 'y'] } },
        { id: 'ensure_dtype', kwargs: { dtype: 'float32' } }
      ]
    });
    expect(d.inputs[0].axes).toEqual([
      { type: 'batch', id: 'batch', size: 1 },
      { type: 'channel', id: 'channel', channel_names: ['raw_intensity'] },
      { type: 'space', id: 'y', size: 512, halo: 0, scale: 1, unit: null, concatenable: false },
      // no id in the file: a space axis defaults to 'x'
      { type: 'space', id: 'x', size: 512, halo: 0, scale: 1, unit: null, concatenable: false }
    ]);
    expect(d.outputs[0].axes[3]).toEqual({ type: 'space', id: 'x', size: { tensor_id: 'raw', axis_id: 'x', offset: 0 }, halo: 32, scale: 1, unit: null, concatenable: false });
    expect(d.outputs[0].postprocessing.map((s) => s.id)).toEqual(['sigmoid', 'ensure_dtype']);
    expect(Object.keys(d.weights)).toEqual(['onnx', 'pytorch_state_dict', 'torchscript']);
    expect(d.weights.onnx).toMatchObject({ source: 'weights.onnx', opset_version: 20, parent: 'pytorch_state_dict' });
    expect(d.weights.pytorch_state_dict?.architecture).toMatchObject({ source: 'unet2d.py', callable: 'UNet2d', kwargs: { input_channels: 1, output_channels: 1 } });
    expect(d.weights.torchscript?.pytorch_version).toBe('2.5.1');
    expect(d.covers).toEqual(['cover0.png']);
  });

  it('validates the example against the JSON schema branch model 0.5 (format_version read as 0.5.7)', () => {
    const v = bundledSchemaValidator();
    expect(v.branchFor(exampleRaw())).toEqual({ pointer: '#/$defs/bioimageio__spec__model__v0_5__ModelDescr', formatVersion: '0.5.7' });
    expect(v.validate(exampleRaw())).toEqual([]);
  });

  it('reports schema problems as one field and one message each', () => {
    const v = bundledSchemaValidator();
    const broken = (edit: (d: Record<string, any>) => void) => {
      const d = exampleRaw();
      edit(d);
      return v.validate(d);
    };
    expect(broken((d) => (d.inputs[0].axes[2].size = -3))).toEqual([{ field: 'inputs[0].axes[2].size', message: 'must be > 0, got -3' }]);
    expect(broken((d) => (d.inputs[0].axes[2].size = { min: 16 }))).toEqual([{ field: 'inputs[0].axes[2].size.step', message: 'is required' }]);
    expect(broken((d) => (d.inputs[0].axes[2].type = 'spaze'))).toEqual([
      { field: 'inputs[0].axes[2].type', message: 'must be one of "batch", "channel", "index", "time", "space", got "spaze"' }
    ]);
    expect(broken((d) => (d.outputs[0].axes[2].halo = 0))).toEqual([{ field: 'outputs[0].axes[2].halo', message: 'must be >= 1, got 0' }]);
    expect(broken((d) => (d.inputs[0].preprocessing[1].kwargs = { axis: ['x', 'y'] }))).toEqual([
      { field: 'inputs[0].preprocessing[1].kwargs.axis', message: 'is not a field here (known: axes, eps)' }
    ]);
    expect(broken((d) => delete d.weights.onnx.opset_version)).toEqual([{ field: 'weights.onnx.opset_version', message: 'is required' }]);
    expect(broken((d) => (d.outputs[0].postprocessing[0] = { id: 'binarize', kwargs: { threshold: 'half' } }))).toEqual([
      { field: 'outputs[0].postprocessing[0].kwargs.threshold', message: 'must be a number, got "half"' }
    ]);
    const op = broken((d) => (d.outputs[0].postprocessing[0] = { id: 'stardist_postprocessing', kwargs: {} }));
    expect(op).toHaveLength(1);
    expect(op[0].field).toBe('outputs[0].postprocessing[0].id');
    expect(op[0].message).toMatch(/^must be one of "binarize", .*"zero_mean_unit_variance", got "stardist_postprocessing"$/);
  });

  it('names the field of structural problems', () => {
    const at = (edit: (d: Record<string, any>) => void) => {
      const d = exampleRaw();
      edit(d);
      return expectBioimageioError(() => typed(d));
    };
    let e = at((d) => (d.inputs[0].axes[2].type = 'spaze'));
    expect(e.message).toBe('m/bioimageio.yaml: inputs[0].axes[2].type: unknown axis type "spaze" (batch, channel, space, time or index)');
    e = at((d) => delete d.inputs[0].axes[2].id);
    expect(e.field).toBe('inputs[0].axes[3].id');
    expect(e.message).toMatch(/duplicate axis id 'x'/);
    e = at((d) => (d.outputs[0].axes[2].size = 512));
    expect(e.field).toBe('outputs[0].axes[2].size');
    expect(e.message).toMatch(/an output axis with a halo must give its size as a reference to an input axis/);
    e = at((d) => (d.weights.caffe = { source: 'w.caffemodel' }));
    expect(e.message).toMatch(/^m\/bioimageio\.yaml: weights\.caffe: unknown weights format 'caffe'/);
    e = at((d) => (d.format_version = '0.3.6'));
    expect(e.message).toBe('m/bioimageio.yaml: format_version: format_version 0.3.6 is not read: model descriptions 0.4.x and 0.5.x are');
    e = at((d) => (d.type = 'dataset'));
    expect(e.message).toBe('m/bioimageio.yaml: type: only model descriptions are read, got type "dataset"');
    e = at((d) => (d.inputs[0].test_tensor.sha256 = 'xyz'));
    expect(e.field).toBe('inputs[0].test_tensor.sha256');
  });

  it('reports YAML syntax errors with their line', () => {
    const e = expectBioimageioError(() => parseYaml('name: x\ninputs: [a, b\noutputs: []\n', 'm/bioimageio.yaml'));
    expect(e.message).toMatch(/^m\/bioimageio\.yaml: invalid YAML \(line \d+, column \d+\)/);
  });

  it('checks relations between fields: references, halos, processing kwargs', () => {
    const issues = (edit: (d: Record<string, any>) => void) => {
      const d = exampleRaw();
      edit(d);
      return checkModelDescription(typed(d, false));
    };
    expect(issues(() => undefined)).toEqual([]);
    expect(issues((d) => (d.outputs[0].axes[2].size.tensor_id = 'image'))).toEqual([
      { field: 'outputs[0].axes[2].size', message: "refers to tensor 'image', which is not described (tensors: raw, probability)" }
    ]);
    // the input is 512 wide: a 300 pixel halo on each side leaves nothing
    expect(issues((d) => (d.outputs[0].axes[3].halo = 300))).toEqual([
      { field: 'outputs[0].axes[3].halo', message: "halo 300 on each side leaves no valid pixel: the smallest size of axis 'x' is 512 (from inputs[0].axes[3]), and 512 - 2*300 < 1" }
    ]);
    // {min, step} inputs: the halo is checked against the smallest size, min (32 on each side of 65 leaves 1)
    expect(issues((d) => (d.inputs[0].axes[2].size = { min: 65, step: 16 }))).toEqual([]);
    expect(issues((d) => (d.inputs[0].axes[2].size = { min: 64, step: 16 }))).toEqual([
      {
        field: 'outputs[0].axes[2].halo',
        message: "halo 32 on each side leaves no valid pixel: the smallest size of axis 'y' is 64 (from inputs[0].axes[2]), and 64 - 2*32 < 1"
      }
    ]);
    expect(issues((d) => (d.outputs[0].postprocessing[0] = { id: 'scale_range', kwargs: { reference_tensor: 'probability' } }))).toEqual([
      { field: 'outputs[0].postprocessing[0].kwargs.reference_tensor', message: "'probability' is not an input tensor (inputs: raw)" }
    ]);
    expect(() => typed({ ...exampleRaw(), outputs: [{ ...exampleRaw().outputs[0], id: 'raw' }] })).toThrow(/outputs\[0\]\.id: duplicate tensor id 'raw' \(also inputs\[0\]\.id\)/);
  });

  it('reports what biaflow does not support, by field', () => {
    const d = exampleRaw();
    d.inputs[0].axes.splice(1, 0, { type: 'time', size: 3 });
    d.outputs[0].postprocessing[0] = { id: 'stardist_postprocessing', kwargs: {} };
    const description: ModelDescription = typed(d, false);
    expect(unsupportedFeatures(description)).toEqual([
      { field: 'inputs[0].axes[1].type', message: "axis type 'time' is not supported by biaflow (batch, channel and space axes x, y, z are)" },
      {
        field: 'outputs[0].postprocessing[0].id',
        message:
          "postprocessing operation 'stardist_postprocessing' is not supported by biaflow (supported: binarize, clip, ensure_dtype, fixed_zero_mean_unit_variance, scale_linear, scale_mean_variance, scale_range, sigmoid, softmax, zero_mean_unit_variance)"
      }
    ]);
  });

  it('reads spec 0.4 descriptions, converted to the 0.5 layout', () => {
    const v04 = parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'v0_4', 'rdf.yaml'), 'utf8'));
    expect(bundledSchemaValidator().validate(v04)).toEqual([]);
    expect(bundledSchemaValidator().branchFor(v04).formatVersion).toBe('0.4.10');
    const d = typed(v04);
    expect(d.converted_from).toBe('0.4.10');
    expect(d.inputs[0].axes).toEqual([
      { type: 'batch', id: 'batch', size: null },
      { type: 'channel', id: 'channel', channel_names: ['channel0'] },
      { type: 'space', id: 'y', size: 512, halo: 0, scale: 1, unit: null, concatenable: false },
      { type: 'space', id: 'x', size: 512, halo: 0, scale: 1, unit: null, concatenable: false }
    ]);
    expect(d.inputs[0].preprocessing).toEqual([
      { id: 'zero_mean_unit_variance', kwargs: { axes: ['y', 'x'] } },
      { id: 'ensure_dtype', kwargs: { dtype: 'float32' } }
    ]);
    expect(d.outputs[0].axes.slice(1)).toEqual([
      { type: 'channel', id: 'channel', channel_names: ['channel0'] },
      { type: 'space', id: 'y', size: { tensor_id: 'raw', axis_id: 'y', offset: 0 }, halo: 32, scale: 1, unit: null, concatenable: false },
      { type: 'space', id: 'x', size: { tensor_id: 'raw', axis_id: 'x', offset: 0 }, halo: 32, scale: 1, unit: null, concatenable: false }
    ]);
    expect(d.inputs[0].test_tensor).toEqual({ source: 'test_input.npy', sha256: null });
    expect(d.weights.onnx).toMatchObject({ source: 'weights.onnx', opset_version: 20 });
  });

  it('refuses 0.4 fields that do not convert, naming them', () => {
    const v04 = parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'v0_4', 'rdf.yaml'), 'utf8'));
    v04.inputs[0].preprocessing = [{ name: 'scale_linear', kwargs: { axes: 'y', gain: [1, 2] } }];
    expect(expectBioimageioError(() => typed(v04)).message).toBe(
      "m/bioimageio.yaml: inputs[0].preprocessing[0].kwargs.axes: 'y' leaves 2 axes of 'bcyx' (c, x); per-axis values need exactly one"
    );
    v04.inputs[0].preprocessing = [{ name: 'cellpose', kwargs: {} }];
    expect(expectBioimageioError(() => typed(v04)).field).toBe('inputs[0].preprocessing[0].name');
  });

  it('fails to open what is not a package, naming it', async () => {
    const e = await expectBioimageioErrorAsync(() => readModelPackage(path.join(EXAMPLE, 'no-such-dir')));
    expect(e.message).toMatch(/no-such-dir: no such file or folder/);
    const notPkg = await expectBioimageioErrorAsync(() => readModelPackage(path.join(__dirname)));
    expect(notPkg.message).toMatch(/no bioimageio\.yaml or rdf\.yaml in the package/);
  });
});
