/**
 * @jest-environment ./packages/bioimageio/test/onnx-node-environment.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { zipSync, strToU8 } from 'fflate';
import { parse, stringify } from 'yaml';
import { readNpy, testModelPackage, writeNpy, type TestReport } from '@biaflow/bioimageio';
import { EXAMPLE, copyExample, onnxRunner, tempDir } from './helpers';

const sha256 = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const check = (r: TestReport, name: string) => {
  const c = r.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check '${name}' in ${r.checks.map((x) => x.name).join(', ')}`);
  return c;
};
const editYaml = (dir: string, edit: (d: Record<string, any>) => void) => {
  const file = path.join(dir, 'bioimageio.yaml');
  const d = parse(fs.readFileSync(file, 'utf8'));
  edit(d);
  fs.writeFileSync(file, stringify(d));
};

describe('testModel', () => {
  it('passes on the zoo example with onnxruntime-node, within 2e-6 of the test output', async () => {
    const r = await testModelPackage(EXAMPLE, { onnx: onnxRunner });
    expect(r.status).toBe('passed');
    expect(check(r, 'schema').status).toBe('passed');
    expect(check(r, 'description').status).toBe('passed');
    expect(check(r, 'file weights.onnx')).toMatchObject({ status: 'passed', field: 'weights.onnx.source' });
    expect(check(r, 'file test_output.npy').status).toBe('passed');
    const reproduce = check(r, 'reproduce test outputs (onnx)');
    expect(reproduce.status).toBe('passed');
    expect(reproduce.message).toMatch(/0 of 262144 values/);
    const largest = Number(/largest difference ([0-9.e-]+)/.exec(reproduce.message)![1]);
    expect(largest).toBeLessThan(2e-6);
    // what is not tested or not shipped is reported as not checked, not as a failure
    expect(check(r, 'file weights.pt')).toMatchObject({ status: 'skipped', message: "not checked: weights.pt is not in the package (weights format 'torchscript' is not tested)" });
    expect(check(r, 'file http://files.ilastik.org/bioimageio_test/unet2d_nuclei_broad_weights.torch').status).toBe('skipped');
    expect(check(r, 'file cover0.png').status).toBe('skipped');
    expect(check(r, 'reproduce test outputs (torchscript)')).toMatchObject({ status: 'skipped', message: "no runner for weights format 'torchscript'" });
  });

  it('passes on a zip of the example, and on the example described in spec 0.4', async () => {
    const dir = tempDir();
    const files: Record<string, Uint8Array> = {};
    for (const f of fs.readdirSync(EXAMPLE)) files[f] = new Uint8Array(fs.readFileSync(path.join(EXAMPLE, f)));
    const zip = path.join(dir, 'unet2d.zip');
    fs.writeFileSync(zip, zipSync(files));
    const z = await testModelPackage(zip, { onnx: onnxRunner });
    expect(z.status).toBe('passed');
    expect(z.package).toBe(zip);

    const v04 = copyExample();
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'v0_4', 'rdf.yaml'), path.join(v04, 'rdf.yaml'));
    fs.rmSync(path.join(v04, 'bioimageio.yaml'));
    const r = await testModelPackage(v04, { onnx: onnxRunner });
    expect(check(r, 'schema').message).toMatch(/model 0\.4\.10/);
    expect(r.status).toBe('passed');
  });

  it('fails on a tampered weights file, naming the file and the hash', async () => {
    const dir = copyExample();
    const weights = path.join(dir, 'weights.onnx');
    const bytes = fs.readFileSync(weights);
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(weights, bytes);
    const r = await testModelPackage(dir, { onnx: onnxRunner });
    expect(r.status).toBe('failed');
    const c = check(r, 'file weights.onnx');
    expect(c.status).toBe('failed');
    expect(c.field).toBe('weights.onnx.sha256');
    expect(c.file).toBe(`${dir}/weights.onnx`);
    expect(c.message).toBe(
      `sha256 mismatch: weights.onnx hashes to ${sha256(weights)}, weights.onnx.sha256 says 85f5ac80fa977fea3562ef97c8c5950288be2c4f4cdb5d994807df97008ce088 (the file was changed or replaced)`
    );
    expect(check(r, 'reproduce test outputs (onnx)')).toMatchObject({ status: 'skipped', message: 'not run: weights.onnx.source failed its file check (see above)' });
  });

  it('fails on an altered test output whose hash was updated: only the comparison fails', async () => {
    const dir = copyExample();
    const out = path.join(dir, 'test_output.npy');
    const expected = readNpy(new Uint8Array(fs.readFileSync(out)));
    const data = expected.data as Float32Array;
    // 1000 pixels moved by 0.1: far outside 1e-3 + 1e-3*|x|, 3815 per million > 100 allowed
    for (let i = 0; i < 1000; i++) data[50000 + i] += 0.1;
    fs.writeFileSync(out, writeNpy(expected));
    editYaml(dir, (d) => (d.outputs[0].test_tensor.sha256 = sha256(out)));
    const r = await testModelPackage(dir, { onnx: onnxRunner });
    expect(r.status).toBe('failed');
    expect(check(r, 'file test_output.npy').status).toBe('passed');
    const c = check(r, 'reproduce test outputs (onnx)');
    expect(c.status).toBe('failed');
    expect(c.field).toBe('outputs[0].test_tensor');
    expect(c.file).toBe(`${dir}/test_output.npy`);
    expect(c.message).toMatch(/^output 'probability' does not reproduce test_output\.npy: 1000 of 262144 values \(3814\.7 per million\) outside the tolerance; largest difference 0\.1\d* at \[0, 0, \d+, \d+\]/);
    expect(c.message).toMatch(/tolerance: relative 0\.001, absolute 0\.001, 100 mismatched per million allowed \(the spec defaults\)$/);
    expect(r.checks.filter((x) => x.status === 'failed')).toHaveLength(1);
  });

  it("applies the description's mismatched-elements tolerance", async () => {
    const dir = copyExample();
    const out = path.join(dir, 'test_output.npy');
    const expected = readNpy(new Uint8Array(fs.readFileSync(out)));
    // 20 of 262144 = 76.3 per million: within the default 100, beyond an explicit 50
    for (let i = 0; i < 20; i++) (expected.data as Float32Array)[1000 + i * 7] += 0.5;
    fs.writeFileSync(out, writeNpy(expected));
    editYaml(dir, (d) => (d.outputs[0].test_tensor.sha256 = sha256(out)));
    expect((await testModelPackage(dir, { onnx: onnxRunner })).status).toBe('passed');
    editYaml(dir, (d) => (d.config = { bioimageio: { reproducibility_tolerance: [{ weights_formats: ['torchscript'], mismatched_elements_per_million: 1000 }, { mismatched_elements_per_million: 50 }] } }));
    const r = await testModelPackage(dir, { onnx: onnxRunner });
    expect(r.status).toBe('failed');
    expect(check(r, 'reproduce test outputs (onnx)').message).toMatch(/20 of 262144 values \(76\.3 per million\).*50 mismatched per million allowed \(config\.bioimageio\.reproducibility_tolerance\[1\]\)$/);
  });

  it('fails on a missing weights file of a tested format, naming it', async () => {
    const dir = copyExample();
    fs.rmSync(path.join(dir, 'weights.onnx'));
    const r = await testModelPackage(dir, { onnx: onnxRunner });
    expect(r.status).toBe('failed');
    expect(check(r, 'file weights.onnx')).toEqual({
      name: 'file weights.onnx',
      status: 'failed',
      message: "missing file weights.onnx (referenced by weights.onnx.source; weights format 'onnx' is tested)",
      file: `${dir}/weights.onnx`,
      field: 'weights.onnx.source'
    });
    // without an onnx runner the same absence is only "not checked"
    const untested = await testModelPackage(dir, {});
    expect(untested.status).toBe('untested');
    expect(check(untested, 'file weights.onnx').status).toBe('skipped');
  });

  it('fails on an unsupported axis type and an unsupported postprocessing op, naming the field', async () => {
    const dir = copyExample();
    editYaml(dir, (d) => {
      d.inputs[0].axes.splice(1, 0, { type: 'time', size: 1 });
      d.outputs[0].postprocessing[0] = { id: 'stardist_postprocessing', kwargs: {} };
    });
    const r = await testModelPackage(dir, { onnx: onnxRunner });
    expect(r.status).toBe('failed');
    const support = check(r, 'biaflow support');
    expect(support.status).toBe('failed');
    expect(support.file).toBe(`${dir}/bioimageio.yaml`);
    expect(support.field).toBe('inputs[0].axes[1].type');
    expect(support.message).toMatch(/^inputs\[0\]\.axes\[1\]\.type: axis type 'time' is not supported by biaflow/);
    expect(support.message).toMatch(/\noutputs\[0\]\.postprocessing\[0\]\.id: postprocessing operation 'stardist_postprocessing' is not supported by biaflow/);
    expect(check(r, 'schema').message).toMatch(/outputs\[0\]\.postprocessing\[0\]\.id: must be one of/);
    expect(check(r, 'reproduce test outputs (onnx)')).toMatchObject({ status: 'skipped', message: 'not run: the description has errors (see above)' });
  });

  it('fails on an input too small for the halo, naming the field', async () => {
    const dir = copyExample();
    editYaml(dir, (d) => (d.outputs[0].axes[2].halo = 256));
    const r = await testModelPackage(dir, { onnx: onnxRunner });
    expect(r.status).toBe('failed');
    expect(check(r, 'description')).toMatchObject({
      status: 'failed',
      field: 'outputs[0].axes[2].halo',
      file: `${dir}/bioimageio.yaml`,
      message: "outputs[0].axes[2].halo: halo 256 on each side leaves no valid pixel: the smallest size of axis 'y' is 512 (from inputs[0].axes[2]), and 512 - 2*256 < 1"
    });
  });

  it('fails on test tensors that do not match their axes, and on broken YAML, without throwing', async () => {
    const dir = copyExample();
    fs.writeFileSync(path.join(dir, 'test_input.npy'), writeNpy({ data: new Float32Array(256 * 256), shape: [1, 1, 256, 256] }));
    editYaml(dir, (d) => (d.inputs[0].test_tensor.sha256 = sha256(path.join(dir, 'test_input.npy'))));
    const r = await testModelPackage(dir, { onnx: onnxRunner });
    expect(check(r, 'reproduce test outputs (onnx)').message).toMatch(/inputs\[0\]\.test_tensor: axis 'y' \(inputs\[0\]\.axes\[2\]\) has size 256, expected 512/);

    fs.writeFileSync(path.join(dir, 'bioimageio.yaml'), 'name: [unclosed\n');
    const broken = await testModelPackage(dir, { onnx: onnxRunner });
    expect(broken.status).toBe('failed');
    expect(broken.checks[0]).toMatchObject({ name: 'read description', status: 'failed' });
    expect(broken.checks[0].message).toMatch(/bioimageio\.yaml: invalid YAML \(line \d+, column \d+\)/);
  });

  it('refuses a zip with an entry outside the package', async () => {
    const zip = path.join(tempDir(), 'evil.zip');
    fs.writeFileSync(zip, zipSync({ 'bioimageio.yaml': strToU8('type: model\n'), '../outside.txt': strToU8('x') }));
    const r = await testModelPackage(zip, { onnx: onnxRunner });
    expect(r.status).toBe('failed');
    expect(r.checks[0].message).toBe(`${zip}: refusing the archive: entry '../outside.txt' leaves the package ('..' segments are refused)`);
  });
});
