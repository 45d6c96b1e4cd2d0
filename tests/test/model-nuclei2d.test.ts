import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { biaflow, readMetrics, repo, tmpdir } from './e2e-helpers';

/**
 * The pretrained nuclei model (@biaflow/model-nuclei2d) from a fresh clone: its files are tracked by
 * git (so a clone has them), it is found by its short name, and it segments bundled images it was never
 * trained on (the held-out ones among examples/data/nuclei2d-mini) well.
 */
const pkg = path.join(repo, 'packages/model-nuclei2d');
const mini = path.join(repo, 'examples/data/nuclei2d-mini');

/** The bundled images that are in the model's held-out list (never trained on). */
function heldOutBundled(): string[] {
  const heldOut = new Set(fs.readFileSync(path.join(pkg, 'heldout.txt'), 'utf8').split('\n').filter(Boolean));
  return fs.readdirSync(path.join(mini, 'train/images')).filter((f) => heldOut.has(f));
}

test('the model bundle and its held-out list are in git, and its weights are under 10 MB', () => {
  const tracked = execFileSync('git', ['ls-files', 'packages/model-nuclei2d/model'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
  const onDisk = fs.readdirSync(path.join(pkg, 'model')).map((f) => `packages/model-nuclei2d/model/${f}`);
  expect(tracked.sort()).toEqual(onDisk.sort());
  expect(onDisk).toContain('packages/model-nuclei2d/model/biaflow.json');
  const bytes = onDisk.reduce((sum, f) => sum + fs.statSync(path.join(repo, f)).size, 0);
  expect(bytes).toBeLessThan(10 * 1024 * 1024);
  expect(heldOutBundled().length).toBeGreaterThanOrEqual(4);
});

const MIN_F1 = 0.8; // measured 0.839 on these 6 images (2026-12-05)

test('biaflow predict --model nuclei2d segments held-out bundled images without training', () => {
  const dir = tmpdir();
  const input = path.join(dir, 'images');
  const labels = path.join(dir, 'labels');
  fs.mkdirSync(input);
  fs.mkdirSync(labels);
  for (const f of heldOutBundled()) {
    fs.copyFileSync(path.join(mini, 'train/images', f), path.join(input, f));
    fs.copyFileSync(path.join(mini, 'train/labels', f), path.join(labels, f));
  }
  biaflow(['predict', '--model', 'nuclei2d', '--input', input, '--out', 'pred'], dir);
  for (const f of heldOutBundled()) expect(fs.existsSync(path.join(dir, 'pred/predictions', f))).toBe(true);
  biaflow(['evaluate', '--workflow', 'instance', '--pred', path.join(dir, 'pred/predictions'), '--gt', labels, '--out', 'scored'], dir);
  const f1 = readMetrics(path.join(dir, 'scored')).overall.matching['0.5'].f1;
  // Measured when the model was trained: see packages/model-nuclei2d/README.md.
  expect(f1).toBeGreaterThan(MIN_F1);
});

test('from code, loadWorkflowModel("nuclei2d") predicts a label image of the right size with about the right number of nuclei', async () => {
  const { loadWorkflowModel, predict, readImage } = await import('biaflow');
  const model = await loadWorkflowModel('nuclei2d');
  try {
    const f = heldOutBundled()[0];
    const result = await predict(model, await readImage(path.join(mini, 'train/images', f)));
    const truth = await readImage(path.join(mini, 'train/labels', f));
    expect(result.labels?.shape).toEqual(truth.shape);
    const found = new Set(result.labels!.data);
    found.delete(0);
    const real = new Set(truth.data);
    real.delete(0);
    // Roughly the right number of nuclei (the F1 test above scores them properly).
    expect(found.size).toBeGreaterThan(0.7 * real.size);
    expect(found.size).toBeLessThan(1.3 * real.size);
  } finally {
    await model.dispose();
  }
});
