import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, readImage, writeImage } from 'biaflow';
import { checkPostprocessChain, planPostprocess } from '@biaflow/core/internals';
import { fixtures, handMadeRun, repo, tmpdir } from './e2e-helpers';

/**
 * Issue 22, point 7: a post-processing step declares what it takes and gives, a workflow what its
 * inference gives and its output kind what the result must hold; a list that does not fit is a
 * config error naming the step, exit 2, from `config validate` and from every command before it
 * does any work (a threshold on the denoise workflow once wrote uint16 masks where float images
 * belong, and left its table missing).
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const nuclei = path.join(fixtures, 'nuclei2d');

let dir: string;
beforeAll(() => {
  dir = tmpdir();
});

function biaflow(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function configFile(name: string, yaml: string): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  return file;
}

// The denoise example is a third-party workflow (output kind `image`), loaded by its package name from the workspace.
const DENOISE_THRESHOLD = 'problem: { type: denoise, ndim: 2 }\nplugins: [biaflow-plugin-denoise]\npostprocess: [{ method: threshold, value: 0.5 }]\n';

test('config validate refuses a threshold on a workflow whose output is a float image: exit 2, the step, what it takes and gets, what to do', () => {
  const r = biaflow(['config', 'validate', '--config', configFile('denoise-threshold', DENOISE_THRESHOLD)], repo);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(
    "postprocess[0]: threshold takes probabilities but gets image (the denoise workflow's inference gives image): remove it (no loaded step makes probabilities from image for denoise)",
  );
  expect(r.stderr).not.toMatch(/\n\s+at /);
  // Without the step the same config is valid.
  const fixed = biaflow(['config', 'validate', '--config', configFile('denoise-fixed', DENOISE_THRESHOLD), '--set', 'postprocess=[]'], repo);
  expect(fixed.stderr).toBe('');
  expect(fixed.status).toBe(0);
});

test('a decoding into labels where the workflow writes points, and a threshold on a class per image, are refused with the fix', () => {
  const detection = biaflow(['config', 'validate', '--config', configFile('detection-threshold', 'problem: { type: detection, ndim: 2 }\npostprocess: [{ method: threshold }]\n')]);
  expect(detection.status).toBe(2);
  expect(detection.stderr).toContain(
    "postprocess: the detection workflow's output is points, which needs the prediction's points, but after postprocess[0] (threshold) the prediction holds probabilities, labels: remove postprocess[0] (threshold), which replaces the workflow's own decoding (detect_points, which gives points)",
  );
  const classification = biaflow(['config', 'validate', '--config', configFile('classes-threshold', 'problem: { type: classification, ndim: 2 }\npostprocess: [{ method: threshold }]\n')]);
  expect(classification.status).toBe(2);
  expect(classification.stderr).toContain(
    "postprocess[0]: threshold takes probabilities but gets classIndex, classScores, classNames (the classification workflow's inference gives classIndex, classScores, classNames)",
  );
});

test('run, train, predict and postprocess refuse such a list before any work: exit 2, no run folder written', async () => {
  const bad = configFile('run-denoise-threshold', DENOISE_THRESHOLD);
  for (const command of ['run', 'train', 'predict']) {
    const out = path.join(dir, `out-${command}`);
    const r = biaflow([command, '--config', bad, '--out', out], repo);
    expect({ command, status: r.status }).toEqual({ command, status: 2 });
    expect(r.stderr).toContain('postprocess[0]: threshold takes probabilities but gets image');
    expect(fs.existsSync(out)).toBe(false);
  }
  // Re-running post-processing on a run folder whose saved config has the list: nothing is written into it.
  const runDir = path.join(dir, 'saved-run');
  handMadeRun(runDir, DENOISE_THRESHOLD);
  await writeImage(path.join(runDir, 'probabilities/noisy.tif'), { data: new Float32Array(16 * 16).fill(0.7), shape: [16, 16] });
  const before = fs.readdirSync(runDir).sort();
  const r = biaflow(['postprocess', '--out', runDir], repo);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('postprocess[0]: threshold takes probabilities but gets image');
  expect(fs.readdirSync(runDir).sort()).toEqual(before);
});

test("every example config, and every first-party workflow's default list, pass the check with nothing left unchecked", async () => {
  const examples = fs.readdirSync(path.join(repo, 'examples/configs')).filter((f) => f.endsWith('.yaml'));
  expect(examples.length).toBeGreaterThanOrEqual(6);
  const problems = new Set<string>();
  for (const file of examples) {
    const { config, kernel } = await loadConfig({ configFile: path.join(repo, 'examples/configs', file), cwd: repo });
    const { plan } = planPostprocess(config.postprocess, kernel, config.problem.type);
    expect({ file, ...checkPostprocessChain(plan, kernel, config.problem.type) }).toEqual({ file, issues: [], warnings: [] });
    problems.add(config.problem.type);
  }
  expect([...problems].sort()).toEqual(['classification', 'detection', 'instance', 'semantic']);
  const defaults: Record<string, string[]> = {
    instance: ['instance_watershed'],
    semantic: ['semantic_classes'],
    detection: ['detect_points'],
    classification: [],
    denoise: [],
  };
  for (const [type, decoding] of Object.entries(defaults)) {
    const inline = { problem: { type, ndim: 2 }, ...(type === 'denoise' ? { plugins: ['biaflow-plugin-denoise'] } : {}), postprocess: [] };
    const { config, kernel } = await loadConfig({ inline, cwd: repo });
    const { plan } = planPostprocess(config.postprocess, kernel, type);
    expect({ type, steps: plan.map((s) => s.method.name) }).toEqual({ type, steps: decoding });
    expect({ type, ...checkPostprocessChain(plan, kernel, type) }).toEqual({ type, issues: [], warnings: [] });
  }
});

const instance2d = (steps: string, plugins = '') => `
problem: { type: instance, ndim: 2 }
${plugins}
data:
  train: { images: ${nuclei}/train/images, labels: ${nuclei}/train/labels }
  test: { images: ${nuclei}/test/images, labels: ${nuclei}/test/labels }
  patch_size: [32, 32]
model: { feature_maps: [8, 16] }
postprocess: ${steps}
`;

test('a third-party step that declares what it takes and gives is checked like the others: drop_border_objects after the decoding passes', () => {
  const r = biaflow(['config', 'validate', '--config', configFile('drop-border', instance2d('[{method: threshold}, {method: label}, {method: drop_border_objects}]', 'plugins: [biaflow-plugin-drop-border]'))], repo);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('config OK');
});

test('a third-party step that declares nothing runs on trust: config validate and the run warn that the list is unchecked from it on', async () => {
  // A plugin file of the person's own, with a step that keeps the labels above 1 and says nothing of what it takes.
  const zod = require.resolve('zod');
  fs.writeFileSync(
    path.join(dir, 'keep-large.js'),
    `const { z } = require(${JSON.stringify(zod)});
module.exports = {
  name: 'keep-large', version: '1.0.0', core: '*',
  apply(kernel) {
    kernel.registerPostprocess({
      name: 'keep_above_one', description: 'zero label 1', options: z.strictObject({}),
      run(p) { return { ...p, labels: { data: p.labels.data.map((v) => (v === 1 ? 0 : v)), shape: p.labels.shape } }; },
    });
  },
};
`,
  );
  const warning = 'warning: postprocess[2] (keep_above_one) declares neither `takes` nor `gives` (plugin keep-large): it and the steps after it are not checked';
  const steps = '[{method: threshold, value: 0.5}, {method: label}, {method: keep_above_one}]';
  const validate = biaflow(['config', 'validate', '--config', configFile('undeclared', instance2d(steps, 'plugins: [./keep-large.js]'))]);
  expect(validate.status).toBe(0);
  expect(validate.stderr).toBe(`${warning}\n`);
  // The run post-processes with it (three disks labelled 1..3 in raster order; label 1 dropped) and logs the warning once.
  const runDir = path.join(dir, 'undeclared-run');
  handMadeRun(runDir, `problem: {type: instance}\npostprocess: ${steps}\n`);
  const p = new Float32Array(32 * 32);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (const [cy, cx] of [[5, 5], [5, 25], [25, 15]]) if ((y - cy) ** 2 + (x - cx) ** 2 <= 9) p[y * 32 + x] = 0.9;
  await writeImage(path.join(runDir, 'probabilities/cells.tif'), { data: p, shape: [32, 32] });
  const run = biaflow(['postprocess', '--out', runDir, '--plugin', path.join(dir, 'keep-large.js'), '--log-level', 'warn'], repo);
  expect(run.status).toBe(0);
  expect(run.stderr.split(warning.slice('warning: '.length)).length - 1).toBe(1);
  const labels = await readImage(path.join(runDir, 'predictions/cells.tif'));
  expect(new Set(labels.data)).toEqual(new Set([0, 2, 3]));
});
