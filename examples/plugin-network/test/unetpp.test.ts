import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildModel, loadTf, TFJS_NETWORKS, type ModelSpec } from '@biaflow/engine-tfjs';
import { readImage } from 'biaflow';
import { unetpp } from 'biaflow-plugin-unetpp';

/**
 * A network biaflow does not have, added by a third-party package alone: U-Net++ (Zhou et al. 2018)
 * builds through the engine in 2D and 3D with the nested skip paths of the paper, and trains,
 * predicts and evaluates through biaflow's CLI on the bundled demo data for the instance and the
 * semantic workflows, chosen by `model.architecture: unetpp`.
 */
const repo = path.resolve(__dirname, '../../..');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const demoConfig = path.join(repo, 'examples/configs/demo-nuclei2d.yaml');
const semanticConfig = path.join(repo, 'examples/plugin-network/configs/semantic-nuclei2d.yaml');
const testImages = path.join(repo, 'examples/data/nuclei2d-mini/test/images');
const testLabels = path.join(repo, 'examples/data/nuclei2d-mini/test/labels');
const tf = loadTf();

/** Each layer's inputs (layer names), read from the Keras topology: the graph as saved in model.json. */
type Topology = { config: { layers: { name: string; config: Record<string, unknown>; inbound_nodes: [string, number, number, unknown][][] }[] } };
function inputsOf(topology: Topology): Map<string, string[]> {
  return new Map(topology.config.layers.map((l) => [l.name, (l.inbound_nodes[0] ?? []).map((n) => n[0])]));
}

/**
 * The nested decoder of the paper, written out independently of the builder: node X(i,j), j ≥ 1,
 * convolves [X(i,0), …, X(i,j−1), up(X(i+1,j−1))]. In the builder's names, a node's output is
 * the last activation of its two convolutions (`x{i}_{j}_2_act`) and its upsampled input
 * `x{i}_{j}_up` (a transposed convolution) or `x{i}_{j}_up_act` (resize, then a convolution).
 */
function expectNestedSkips(inputs: Map<string, string[]>, depth: number, up: 'transpose' | 'resize'): void {
  let nested = 0;
  for (let j = 1; j < depth; j++) {
    for (let i = 0; i + j < depth; i++) {
      const before = Array.from({ length: j }, (_, k) => `x${i}_${k}_2_act`);
      expect(inputs.get(`x${i}_${j}_concat`)).toEqual([...before, up === 'transpose' ? `x${i}_${j}_up` : `x${i}_${j}_up_act`]);
      // The upsampled node is the one below, one column to the left.
      const upInput = up === 'transpose' ? inputs.get(`x${i}_${j}_up`) : inputs.get(`x${i}_${j}_resize`);
      expect(upInput).toEqual([`x${i + 1}_${j - 1}_2_act`]);
      nested++;
    }
  }
  expect(nested).toBe((depth * (depth - 1)) / 2);
  // The output is taken from the top of the last column, X(0, depth−1).
  expect(inputs.get('head_conv')).toEqual([`x0_${depth - 1}_2_act`]);
}

function topologyOf(model: { toJSON: (u?: unknown, s?: boolean) => unknown }): Topology {
  return model.toJSON(null, false) as Topology;
}

describe('the network, built by the engine from the plugin\'s definition', () => {
  const networks = [...TFJS_NETWORKS, unetpp];

  test('2D: the nested skip paths of U-Net++, an output of the input\'s size; the plain U-Net has none of them', () => {
    const spec: ModelSpec = { architecture: 'unetpp', ndim: 2, inputChannels: 1, outputChannels: 3, outputActivation: 'sigmoid', featureMaps: [8, 16, 32, 64], normalization: 'none' };
    const model = buildModel(spec, tf, networks);
    const x = tf.randomUniform([2, 24, 40, 1], 0, 1, 'float32', 1);
    const y = model.predict(x) as ReturnType<typeof tf.randomUniform>;
    expect(y.shape).toEqual([2, 24, 40, 3]);
    const values = y.dataSync();
    expect(values.every((v) => v > 0 && v < 1)).toBe(true);
    const inputs = inputsOf(topologyOf(model));
    expectNestedSkips(inputs, 4, 'transpose');
    // Every node X(i,j) of the triangle is a block of two convolutions with feature_maps[i] filters,
    // fed by j + 1 inputs of feature_maps[i] channels each.
    const layers = new Map(model.layers.map((l) => [l.name, l]));
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i + j < 4; i++) {
        const conv = layers.get(`x${i}_${j}_1_conv`)!;
        expect(conv).toBeDefined();
        expect(conv.outputShape).toEqual([null, null, null, [8, 16, 32, 64][i]]);
        if (j > 0) expect(layers.get(`x${i}_${j}_concat`)!.outputShape).toEqual([null, null, null, (j + 1) * [8, 16, 32, 64][i]]);
      }
    }
    expect([...layers.keys()].filter((n) => /^x\d+_\d+_1_conv$/.test(n))).toHaveLength(10);

    const plain = buildModel({ ...spec, architecture: 'unet' }, tf, networks);
    const plainNames = plain.layers.map((l) => l.name);
    expect(plainNames.some((n) => n.startsWith('x'))).toBe(false);
    expect(plainNames.filter((n) => n.endsWith('_concat'))).toHaveLength(3);
    expect(model.layers.filter((l) => l.name.endsWith('_concat'))).toHaveLength(6);
    expect(model.layers.length).toBeGreaterThan(plain.layers.length);
    expect(model.countParams()).toBeGreaterThan(plain.countParams());
    tf.dispose([x, y]);
    model.dispose();
    plain.dispose();
  });

  test('3D with z_down (z kept at the first pooling), batch norm and resize upsampling', () => {
    const spec: ModelSpec = {
      architecture: 'unetpp',
      ndim: 3,
      inputChannels: 2,
      outputChannels: 2,
      outputActivation: 'softmax',
      featureMaps: [4, 8, 16, 32],
      zDown: [1, 2, 2],
      upsampling: 'resize',
      normalization: 'batch',
    };
    // Three poolings: z halves twice (z_down 1, 2, 2), y and x three times.
    expect(unetpp.levels({ ndim: 3, featureMaps: [4, 8, 16, 32], zDown: [1, 2, 2] })).toBe(3);
    expect(unetpp.sizeDivisor({ ndim: 3, featureMaps: [4, 8, 16, 32], zDown: [1, 2, 2] })).toEqual([4, 8, 8]);
    expect(unetpp.sizeDivisor({ ndim: 2, featureMaps: [8, 16, 32], zDown: [] })).toEqual([4, 4]);
    const model = buildModel(spec, tf, networks);
    const x = tf.randomUniform([1, 4, 16, 24, 2], 0, 1, 'float32', 2);
    const y = model.predict(x) as ReturnType<typeof tf.randomUniform>;
    expect(y.shape).toEqual([1, 4, 16, 24, 2]);
    // Softmax over the two channels: each voxel's pair sums to 1.
    const v = y.dataSync();
    for (let i = 0; i < v.length; i += 2) expect(v[i] + v[i + 1]).toBeCloseTo(1, 5);
    expectNestedSkips(inputsOf(topologyOf(model)), 4, 'resize');
    tf.dispose([x, y]);
    model.dispose();
  });

  test('without the plugin the engine does not know the network', () => {
    expect(() => buildModel({ architecture: 'unetpp', ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid' }, tf)).toThrow(/model\.architecture.*"unetpp" is not one of unet/);
  });
});

function tmpdir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-unetpp-')));
}

function biaflow(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A few seconds of training: enough to run every stage of a run on the real images, not to be good at it. */
const SHORT = ['--set', 'model.feature_maps=[8,16,32]', '--set', 'data.patch_size=[64,64]', '--set', 'train.epochs=2', '--set', 'train.steps_per_epoch=4', '--set', 'train.batch_size=8'];

/** What every run with the plugin's network must leave: a bundle of that network, its graph, a prediction per test image, metrics. */
async function expectUnetppRun(runDir: string, problem: string): Promise<void> {
  const meta = JSON.parse(fs.readFileSync(path.join(runDir, 'model/biaflow.json'), 'utf8'));
  expect(meta.architecture).toBe('unetpp');
  expect(meta.model.architecture).toBe('unetpp');
  expect(meta.problem).toBe(problem);
  expect(meta.network_output).toBe('spatial');
  expect(meta.size_divisor).toEqual([4, 4]);
  const saved = JSON.parse(fs.readFileSync(path.join(runDir, 'model/model.json'), 'utf8'));
  expectNestedSkips(inputsOf(saved.modelTopology), 3, 'transpose');

  const names = fs.readdirSync(testImages).sort();
  expect(fs.readdirSync(path.join(runDir, 'predictions')).sort()).toEqual(names);
  for (const name of names) {
    const prediction = await readImage(path.join(runDir, 'predictions', name));
    expect(prediction.shape.slice(0, 2)).toEqual([256, 256]);
  }
  expect(fs.existsSync(path.join(runDir, 'metrics.json'))).toBe(true);

  // Training ran: two epochs, and the loss went down.
  const rows = fs.readFileSync(path.join(runDir, 'train_metrics.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  expect(rows).toHaveLength(2);
  expect(Number(rows[1][1])).toBeLessThan(Number(rows[0][1]));
}

describe('through the CLI on the demo data', () => {
  const cwd = tmpdir();
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  test('instance: the demo config with --plugin biaflow-plugin-unetpp --set model.architecture=unetpp', async () => {
    const out = path.join(cwd, 'instance');
    const r = biaflow(['run', '--config', demoConfig, '--plugin', 'biaflow-plugin-unetpp', '--set', 'model.architecture=unetpp', ...SHORT, '--out', out, '--log-level', 'warn', '--no-progress'], cwd);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    await expectUnetppRun(out, 'instance');
    // Evaluated against the real test labels: 40 + 12 + 10 + 8 nuclei in the 4 test images.
    let nuclei = 0;
    for (const name of fs.readdirSync(testLabels)) nuclei += new Set((await readImage(path.join(testLabels, name))).data).size - 1;
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(nuclei).toBe(70);
    expect(metrics.overall.matching['0.5'].n_true).toBe(nuclei);
    expect(metrics.per_image).toHaveLength(4);
    for (const name of fs.readdirSync(path.join(out, 'predictions'))) {
      expect((await readImage(path.join(out, 'predictions', name))).data).toBeInstanceOf(Uint16Array);
    }
  });

  test('semantic: a config that names the plugin (plugins: [biaflow-plugin-unetpp]) and model.architecture: unetpp', async () => {
    const out = path.join(cwd, 'semantic');
    const r = biaflow(['run', '--config', semanticConfig, ...SHORT, '--out', out, '--log-level', 'warn', '--no-progress'], cwd);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    await expectUnetppRun(out, 'semantic');
    for (const name of fs.readdirSync(path.join(out, 'predictions'))) {
      const classes = new Set((await readImage(path.join(out, 'predictions', name))).data);
      expect([...classes].every((c) => c === 0 || c === 1)).toBe(true);
    }
    // Even a few seconds of training finds the nuclei: calling every pixel a nucleus scores 0.075
    // (the foreground fraction of the test labels), calling none 0.
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.overall.foreground_iou).toBeGreaterThan(0.3);
    expect(metrics.per_image).toHaveLength(4);
  });

  test('detection in 2D and instance segmentation in 3D with z_down, on the repository\'s small fixtures', async () => {
    const fixtures = path.join(repo, 'tests/fixtures/real');
    const configs = {
      detection: `problem: { type: detection, ndim: 2 }
plugins: [biaflow-plugin-unetpp]
data:
  train: { images: ${fixtures}/spots2d/train/images, labels: ${fixtures}/spots2d/train/points }
  val: { split: 0.5 }
  test: { images: ${fixtures}/spots2d/test/images, labels: ${fixtures}/spots2d/test/points }
  patch_size: [32, 32]
  sampling: { foreground_probability: 0.5 }
model: { architecture: unetpp, feature_maps: [8, 16] }
train: { epochs: 2, batch_size: 2 }
`,
      instance3d: `problem: { type: instance, ndim: 3 }
plugins: [biaflow-plugin-unetpp]
system: { backend: wasm, seed: 5 }
data:
  train: { images: ${fixtures}/nuclei3d/train/images, labels: ${fixtures}/nuclei3d/train/labels }
  test: { images: ${fixtures}/nuclei3d/test/images, labels: ${fixtures}/nuclei3d/test/labels }
  patch_size: [16, 32, 32]
instance: { channels: BCD, contour_mode: inner }
model: { architecture: unetpp, feature_maps: [8, 16, 32], normalization: none, z_down: [1, 2] }
train: { epochs: 2, batch_size: 1, steps_per_epoch: 2 }
`,
    };
    // Detection: one pooling of 2 in y and x. 3D: z pooled once (z_down [1, 2]), y and x twice.
    const divisors = { detection: [2, 2], instance3d: [2, 4, 4] };
    for (const [name, config] of Object.entries(configs) as [keyof typeof configs, string][]) {
      fs.writeFileSync(path.join(cwd, `${name}.yaml`), config);
      const out = path.join(cwd, name);
      const r = biaflow(['run', '--config', `${name}.yaml`, '--out', out, '--log-level', 'warn', '--no-progress'], cwd);
      expect({ name, status: r.status, stderr: r.stderr }).toMatchObject({ name, status: 0 });
      const meta = JSON.parse(fs.readFileSync(path.join(out, 'model/biaflow.json'), 'utf8'));
      expect([meta.architecture, meta.size_divisor]).toEqual(['unetpp', divisors[name]]);
      const saved = JSON.parse(fs.readFileSync(path.join(out, 'model/model.json'), 'utf8'));
      expectNestedSkips(inputsOf(saved.modelTopology), name === 'detection' ? 2 : 3, 'transpose');
      expect(fs.readdirSync(path.join(out, 'predictions')).length).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(out, 'metrics.json'))).toBe(true);
    }
  });

  test('config validate: the network is the plugin\'s; a misspelt name is exit 2 with a did-you-mean', () => {
    const validate = (architecture: string, withPlugin: boolean) =>
      biaflow(['config', 'validate', '--config', demoConfig, ...(withPlugin ? ['--plugin', 'biaflow-plugin-unetpp'] : []), '--set', `model.architecture=${architecture}`], cwd);
    expect(validate('unetpp', true).status).toBe(0);

    const without = validate('unetpp', false);
    expect(without.status).toBe(2);
    expect(without.stderr).toMatch(/model\.architecture: is not a registered network \(got "unetpp"\)/);
    expect(without.stderr).toMatch(/registered: unet, resunet, attention_unet, seunet, simple_cnn, resnet\n/);

    const near = validate('unetppp', true);
    expect(near.status).toBe(2);
    expect(near.stderr).toContain('model.architecture: is not a registered network (got "unetppp") (did you mean "unetpp"?)');

    const typo = validate('unetp', true);
    expect(typo.status).toBe(2);
    // "unetp" is one letter from both unet and unetpp: a suggestion, and the list names the plugin's network.
    expect(typo.stderr).toMatch(/\(got "unetp"\) \(did you mean "(unet|unetpp)"\?\); registered: .*\bunetpp\b/);
    for (const r of [without, near, typo]) expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
