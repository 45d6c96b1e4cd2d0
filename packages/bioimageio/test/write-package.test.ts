/**
 * @jest-environment ./packages/bioimageio/test/onnx-node-environment.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { parse } from 'yaml';
import { bundledSchemaValidator, readModelPackage, testModelPackage, writeModelPackage, writeNpy, BioimageioError } from '@biaflow/bioimageio';
import { EXAMPLE, expectBioimageioErrorAsync, onnxRunner, tempDir } from './helpers';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The example's description without what the example does not ship (PyTorch weights), and without hashes: the builder fills them. */
function exampleDescription(): Record<string, any> {
  const d = parse(fs.readFileSync(path.join(EXAMPLE, 'bioimageio.yaml'), 'utf8'));
  delete d.weights.pytorch_state_dict;
  delete d.weights.torchscript;
  delete d.weights.onnx.parent;
  delete d.covers;
  for (const t of [...d.inputs, ...d.outputs]) {
    delete t.test_tensor.sha256;
    delete t.sample_tensor.sha256;
  }
  delete d.weights.onnx.sha256;
  return d;
}

function exampleFiles(): Map<string, Uint8Array> {
  const names = ['weights.onnx', 'test_input.npy', 'test_output.npy', 'test_input.png', 'test_output.png', 'README.md'];
  return new Map(names.map((n) => [n, new Uint8Array(fs.readFileSync(path.join(EXAMPLE, n)))]));
}

describe('writing a package', () => {
  it('writes a folder that validates, reads back equal, and passes testModel', async () => {
    const target = path.join(tempDir(), 'out', 'unet2d');
    const files = exampleFiles();
    const built = await writeModelPackage(target, exampleDescription(), files);
    expect(fs.readdirSync(target).sort()).toEqual(['README.md', 'bioimageio.yaml', 'test_input.npy', 'test_input.png', 'test_output.npy', 'test_output.png', 'weights.onnx']);
    // no temporary left beside it
    expect(fs.readdirSync(path.dirname(target))).toEqual(['unet2d']);

    const written = parse(fs.readFileSync(path.join(target, 'bioimageio.yaml'), 'utf8'));
    expect(written.format_version).toBe('0.5.7');
    expect(written.weights.onnx.sha256).toBe(sha256(files.get('weights.onnx')!));
    expect(written.weights.onnx.sha256).toBe('85f5ac80fa977fea3562ef97c8c5950288be2c4f4cdb5d994807df97008ce088');
    expect(written.outputs[0].test_tensor.sha256).toBe('39925fb38bc74530902e44bf8e43a8bd0a9e3675aab758d89f47dc66cb9818ed');
    expect(bundledSchemaValidator().validate(written)).toEqual([]);

    const back = await readModelPackage(target);
    expect(back.raw).toEqual(built.raw);
    expect(back.description).toEqual(built.description);
    for (const [name, bytes] of files) expect(sha256(new Uint8Array(fs.readFileSync(path.join(target, name))))).toBe(sha256(bytes));

    const report = await testModelPackage(target, { onnx: onnxRunner });
    expect(report.status).toBe('passed');
  });

  it('writes a zip that reads back equal', async () => {
    const target = path.join(tempDir(), 'unet2d.zip');
    const built = await writeModelPackage(target, exampleDescription(), exampleFiles());
    const entries = unzipSync(new Uint8Array(fs.readFileSync(target)));
    expect(Object.keys(entries).sort()).toEqual(['README.md', 'bioimageio.yaml', 'test_input.npy', 'test_input.png', 'test_output.npy', 'test_output.png', 'weights.onnx']);
    expect(new TextDecoder().decode(entries['bioimageio.yaml'])).toBe(built.yaml);
    const back = await readModelPackage(target);
    expect(back.description).toEqual(built.description);
    expect(back.raw).toEqual(built.raw);
  });

  it('writes a 3D model with {min, step} inputs, subfolders and per-channel processing', async () => {
    const input = writeNpy({ data: new Float32Array(2 * 16 * 32 * 32).map((_, i) => i % 251), shape: [1, 2, 16, 32, 32] });
    const output = writeNpy({ data: new Uint8Array(16 * 32 * 32).map((_, i) => i % 2), shape: [1, 1, 16, 32, 32], dtype: 'bool' });
    const description = {
      name: 'biaflow 3D test model',
      description: 'written by the @biaflow/bioimageio tests',
      authors: [{ name: 'biaflow' }],
      license: 'MIT',
      inputs: [
        {
          id: 'raw',
          axes: [
            { type: 'batch' },
            { type: 'channel', channel_names: ['dapi', 'membrane'] },
            { type: 'space', id: 'z', size: { min: 8, step: 8 } },
            { type: 'space', id: 'y', size: { min: 16, step: 16 } },
            { type: 'space', id: 'x', size: { min: 16, step: 16 } }
          ],
          test_tensor: { source: 'data/input.npy' },
          preprocessing: [{ id: 'scale_range', kwargs: { axes: ['z', 'y', 'x'], min_percentile: 1, max_percentile: 99.8 } }]
        }
      ],
      outputs: [
        {
          id: 'mask',
          axes: [
            { type: 'batch' },
            { type: 'channel', channel_names: ['foreground'] },
            { type: 'space', id: 'z', size: { tensor_id: 'raw', axis_id: 'z' }, halo: 2 },
            { type: 'space', id: 'y', size: { tensor_id: 'raw', axis_id: 'y' }, halo: 4 },
            { type: 'space', id: 'x', size: { tensor_id: 'raw', axis_id: 'x' }, halo: 4 }
          ],
          data: { type: 'bool', values: [false, true] },
          test_tensor: { source: './data/output.npy' },
          postprocessing: [{ id: 'sigmoid' }, { id: 'binarize', kwargs: { threshold: 0.5 } }]
        }
      ],
      weights: { onnx: { source: 'weights/model.onnx', opset_version: 17 } },
      config: { biaflow: { workflow: 'semantic' }, bioimageio: { reproducibility_tolerance: [{ absolute_tolerance: 0, relative_tolerance: 0, mismatched_elements_per_million: 10 }] } }
    };
    const files = { 'data/input.npy': input, 'data/output.npy': output, 'weights/model.onnx': Uint8Array.from([8, 1, 2, 3]) };
    const target = path.join(tempDir(), 'model3d.zip');
    const built = await writeModelPackage(target, description, files);
    expect(built.raw.outputs).toMatchObject([{ test_tensor: { source: 'data/output.npy', sha256: sha256(output) } }]);
    expect(bundledSchemaValidator().validate(built.raw)).toEqual([]);
    const back = await readModelPackage(target);
    expect(back.description).toEqual(built.description);
    expect(back.description.outputs[0].axes[2]).toEqual({ type: 'space', id: 'z', size: { tensor_id: 'raw', axis_id: 'z', offset: 0 }, halo: 2, scale: 1, unit: null, concatenable: false });
    expect(back.description.outputs[0].dtype).toBe('bool');
    expect(back.description.config).toEqual(description.config);
    expect(Array.from(await back.source.read('data/input.npy'))).toEqual(Array.from(input));
  });

  it('refuses, naming the field, files that are not given, descriptions that do not validate, and existing targets', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'pkg');
    const files = exampleFiles();
    files.delete('weights.onnx');
    const missing = await expectBioimageioErrorAsync(() => writeModelPackage(target, exampleDescription(), files));
    expect(missing.message).toMatch(/^cannot build the package:\n {2}- weights\.onnx\.source: 'weights\.onnx' is not among the files given \(test_input\.npy, /);
    expect(missing.issues[0].field).toBe('weights.onnx.source');

    const invalid = exampleDescription();
    invalid.inputs[0].axes[2].size = 0;
    const e = await expectBioimageioErrorAsync(() => writeModelPackage(target, invalid, exampleFiles()));
    expect(e.message).toMatch(/inputs\[0\]\.axes\[2\]\.size: must be >= 1, got 0/);
    const schemaOnly = exampleDescription();
    schemaOnly.license = 'not-a-licence';
    const s = await expectBioimageioErrorAsync(() => writeModelPackage(target, schemaOnly, exampleFiles()));
    expect(s.message).toMatch(/^bioimageio\.yaml: the description does not validate against the zoo JSON schema:\n {2}- license: must be one of/);
    expect(fs.readdirSync(dir)).toEqual([]);

    const leaving = exampleDescription();
    leaving.documentation = '../README.md';
    const l = await expectBioimageioErrorAsync(() => writeModelPackage(target, leaving, exampleFiles()));
    expect(l.message).toMatch(/documentation: '\.\.\/README\.md' leaves the package/);

    await writeModelPackage(target, exampleDescription(), exampleFiles());
    const again = await expectBioimageioErrorAsync(() => writeModelPackage(target, exampleDescription(), exampleFiles()));
    expect(again.message).toBe(`${target}: already exists; pass overwrite: true to replace it`);
    const changed = exampleDescription();
    changed.name = 'UNet 2D Nuclei Broad rewritten';
    await writeModelPackage(target, changed, exampleFiles(), { overwrite: true });
    expect((await readModelPackage(target)).description.name).toBe('UNet 2D Nuclei Broad rewritten');
    expect(fs.readdirSync(dir)).toEqual(['pkg']);
    expect(missing).toBeInstanceOf(BioimageioError);
  });
});
