import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { biaflow, fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * Which command may add which stage to a run folder (docs/outputs.md, "Which command adds what"):
 * train, then predict / evaluate / postprocess into the same folder without flags; a command that
 * would replace outputs needs --overwrite; a run stopped by the data check is started again by the
 * same command; post-processing with new settings writes a variant, which `compare` tabulates.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const nuclei = path.join(fixtures, 'nuclei2d');

const config = (train: string) => `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 5, threads: 1 }
data:
  train: { images: ${train}/images, labels: ${train}/labels }
  val: { split: 0.5 }
  test: { images: ${nuclei}/test/images, labels: ${nuclei}/test/labels }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 2 }
predict: { batch_size: 1 }
`;

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const quiet = args[0] === 'compare' ? [] : ['--log-level', 'warn'];
  const r = spawnSync(process.execPath, [bin, ...args, ...quiet], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const read = (f: string) => fs.readFileSync(f);
const metrics = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'));

let dir: string;
let trained: string;

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config(path.join(nuclei, 'train')));
  biaflow(['train', '--config', 'config.yaml', '--out', 'trained', '--log-level', 'warn'], dir);
  trained = path.join(dir, 'trained');
}, 300_000);

/** A copy of the trained run, so each sequence starts from "train only". */
function copyOfTrained(name: string): string {
  const copy = path.join(dir, name);
  fs.cpSync(trained, copy, { recursive: true });
  return copy;
}

test('train, then predict into the same folder without flags; predicting again needs --overwrite, which keeps the model', () => {
  const run = copyOfTrained('predict-seq');
  const weights = read(path.join(run, 'model/weights.bin'));
  // No --config: predict adds its stage with the run's own config.
  const first = cli(['predict', '--out', run], dir);
  expect(first.status).toBe(0);
  expect(fs.readdirSync(path.join(run, 'predictions'))).toEqual(['003cee89357d.tif']);
  expect(fs.existsSync(path.join(run, 'probabilities/003cee89357d.tif'))).toBe(true);
  expect(fs.existsSync(path.join(run, 'objects.csv'))).toBe(true);
  expect(metrics(run).per_image.map((r: { image: string }) => r.image)).toEqual(['003cee89357d.tif']);

  const again = cli(['predict', '--out', run], dir);
  expect(again.status).toBe(2);
  expect(again.stderr).toContain('already holds a run with the outputs predict would replace: probabilities, predictions, objects.csv, metrics.json, metrics.csv');
  expect(again.stderr).toContain('pass --overwrite');
  expect(again.stderr).not.toMatch(/\n\s+at /);

  const predictionBefore = read(path.join(run, 'predictions/003cee89357d.tif'));
  expect(cli(['predict', '--out', run, '--overwrite'], dir).status).toBe(0);
  // The same model, the same image: the same result; the model was not touched.
  expect(read(path.join(run, 'predictions/003cee89357d.tif')).equals(predictionBefore)).toBe(true);
  expect(read(path.join(run, 'model/weights.bin')).equals(weights)).toBe(true);
  expect(fs.existsSync(path.join(run, 'train_metrics.csv'))).toBe(true);
});

test('train, then evaluate adds metrics to predictions made elsewhere; evaluating again needs --overwrite', () => {
  const run = copyOfTrained('evaluate-seq');
  // Predictions from another folder (a predict with the run's model), scored into the trained run.
  expect(cli(['predict', '--model', path.join(run, 'model'), '--input', path.join(nuclei, 'test/images'), '--out', 'elsewhere'], dir).status).toBe(0);
  const pred = path.join(dir, 'elsewhere/predictions');
  const first = cli(['evaluate', '--out', run, '--pred', pred, '--workflow', 'instance', '--gt', path.join(nuclei, 'test/labels')], dir);
  expect(first.status).toBe(0);
  const m = metrics(run);
  expect(m.per_image.map((r: { image: string }) => r.image)).toEqual(['003cee89357d.tif']);
  const again = cli(['evaluate', '--out', run, '--pred', pred, '--workflow', 'instance', '--gt', path.join(nuclei, 'test/labels')], dir);
  expect(again.status).toBe(2);
  expect(again.stderr).toContain('the outputs evaluate would replace: metrics.json, metrics.csv');
  expect(cli(['evaluate', '--out', run, '--pred', pred, '--workflow', 'instance', '--gt', path.join(nuclei, 'test/labels'), '--overwrite'], dir).status).toBe(0);
  expect(metrics(run)).toEqual(m);
  // The training outputs are still there.
  expect(fs.existsSync(path.join(run, 'model/biaflow.json'))).toBe(true);
});

test('train, then postprocess: first predict; new settings write variants postprocess/<n>/, the first result stays; compare tabulates them', () => {
  const run = copyOfTrained('postprocess-seq');
  const none = cli(['postprocess', '--out', run], dir);
  expect(none.status).toBe(2);
  expect(none.stderr).toContain('holds no saved network outputs');
  expect(cli(['predict', '--out', run], dir).status).toBe(0);
  const top = {
    labels: read(path.join(run, 'predictions/003cee89357d.tif')),
    metrics: read(path.join(run, 'metrics.json')),
    objects: read(path.join(run, 'objects.csv')),
    report: read(path.join(run, 'report.html')),
  };

  // The settings of the first result again: nothing new to write.
  const same = cli(['postprocess', '--out', run], dir);
  expect(same.status).toBe(2);
  expect(same.stderr).toContain('already holds the result of these post-processing settings');

  // No seed above 1.01: a variant with no object.
  const noSeeds = 'postprocess=[{method: instance_watershed, seed_threshold: 1.01}]';
  expect(cli(['postprocess', '--out', run, '--set', noSeeds], dir).status).toBe(0);
  const v1 = path.join(run, 'postprocess/1');
  expect(fs.readdirSync(v1).filter((f) => f !== 'report').sort()).toEqual(['config.yaml', 'metrics.csv', 'metrics.json', 'objects.csv', 'predictions', 'report.html']);
  // The variant's report is its own: it names the variant and shows its figures.
  expect(fs.readFileSync(path.join(v1, 'report.html'), 'utf8')).toContain('(post-processing variant 1)');
  expect(fs.readFileSync(path.join(v1, 'config.yaml'), 'utf8')).toContain('seed_threshold: 1.01');
  expect(metrics(v1).overall.matching['0.5']).toMatchObject({ tp: 0, n_pred: 0 });
  // The first result is untouched.
  expect(read(path.join(run, 'predictions/003cee89357d.tif')).equals(top.labels)).toBe(true);
  expect(read(path.join(run, 'metrics.json')).equals(top.metrics)).toBe(true);
  expect(read(path.join(run, 'objects.csv')).equals(top.objects)).toBe(true);
  expect(read(path.join(run, 'report.html')).equals(top.report)).toBe(true);

  // Everything a seed: one object; a second variant.
  const oneObject = 'postprocess=[{method: instance_watershed, seed_threshold: -1, contour_threshold: 2, foreground_threshold: -1, min_seed_size: 0}]';
  expect(cli(['postprocess', '--out', run, '--set', oneObject], dir).status).toBe(0);
  const v2 = path.join(run, 'postprocess/2');
  expect(metrics(v2).overall.matching['0.5'].n_pred).toBe(1);

  // Variant 1's settings again: refused, then written again with --overwrite.
  const repeat = cli(['postprocess', '--out', run, '--set', noSeeds], dir);
  expect(repeat.status).toBe(2);
  expect(repeat.stderr).toContain(`${v1} already holds the result of these post-processing settings`);
  const v1Metrics = read(path.join(v1, 'metrics.json'));
  expect(cli(['postprocess', '--out', run, '--set', noSeeds, '--overwrite'], dir).status).toBe(0);
  expect(read(path.join(v1, 'metrics.json')).equals(v1Metrics)).toBe(true);
  expect(fs.existsSync(path.join(run, 'postprocess/3'))).toBe(false);

  // biaflow report rebuilds the first result's report and each variant's own, with the variant's settings.
  fs.rmSync(path.join(v1, 'report.html'));
  fs.rmSync(path.join(v2, 'report.html'));
  expect(cli(['report', '--out', run], dir).status).toBe(0);
  const rebuilt = fs.readFileSync(path.join(v1, 'report.html'), 'utf8');
  expect(rebuilt).toContain('(post-processing variant 1)');
  expect(rebuilt).toContain('1.01');
  expect(fs.readFileSync(path.join(v2, 'report.html'), 'utf8')).toContain('(post-processing variant 2)');
  expect(fs.existsSync(path.join(run, 'report.html'))).toBe(true);

  const json = cli(['compare', '--out', run, '--json'], dir);
  expect(json.status).toBe(0);
  const table = JSON.parse(json.stdout);
  expect(table.run).toBe(run);
  expect(table.variants.map((v: { name: string }) => v.name)).toEqual(['top', '1', '2']);
  expect(table.figures[0].key).toBe('matching.0.5.f1');
  for (const [i, d] of [run, v1, v2].entries()) {
    const overall = metrics(d).overall;
    expect(table.variants[i].overall['matching.0.5.f1']).toBe(overall.matching['0.5'].f1);
    expect(table.variants[i].overall.ap_50_95).toBe(overall.ap_50_95);
  }
  expect(table.variants[1].postprocess).toEqual([{ method: 'instance_watershed', seed_threshold: 1.01 }]);
  const text = cli(['compare', '--out', run], dir);
  expect(text.status).toBe(0);
  const lines = text.stdout.split('\n');
  expect(lines[0]).toMatch(/^variant\s+matching\.0\.5\.f1/);
  expect(lines[1]).toMatch(/^first\s/);
  expect(lines[2]).toMatch(/^1\s.*instance_watershed seed_threshold=1\.01/);
  expect(lines[3]).toMatch(/^2\s/);
});

test('postprocess --resume continues an interrupted variant: the images already post-processed are kept, the rest written, the result as if uninterrupted', () => {
  const run = copyOfTrained('postprocess-resume');
  const two = path.join(nuclei, 'train');
  // Two test images (the fixture's training pair), so one can be done and one left.
  const test = ['--set', `data.test.images=${two}/images`, '--set', `data.test.labels=${two}/labels`];
  expect(cli(['predict', '--out', run, ...test], dir).status).toBe(0);
  const settings = ['--set', 'postprocess=[{method: instance_watershed, seed_threshold: 0.2, contour_threshold: 0.4}]'];
  expect(cli(['postprocess', '--out', run, ...test, ...settings], dir).status).toBe(0);
  const v1 = path.join(run, 'postprocess/1');
  const names = fs.readdirSync(path.join(v1, 'predictions')).sort();
  expect(names).toHaveLength(2);
  const whole = Object.fromEntries(['metrics.json', 'metrics.csv', 'objects.csv', ...names.map((n) => `predictions/${n}`)].map((f) => [f, read(path.join(v1, f))]));
  // As an interruption after the first image leaves it: the second image's result and the metrics not written yet.
  fs.rmSync(path.join(v1, 'predictions', names[1]));
  fs.rmSync(path.join(v1, 'metrics.json'));
  fs.rmSync(path.join(v1, 'metrics.csv'));
  const first = fs.statSync(path.join(v1, 'predictions', names[0])).mtimeMs;
  const resumed = cli(['postprocess', '--out', run, '--resume', ...test, ...settings], dir);
  expect(resumed.status).toBe(0);
  expect(fs.readFileSync(path.join(run, 'log.jsonl'), 'utf8')).toContain('"event":"resume-skip","skipped":1');
  expect(fs.existsSync(path.join(run, 'postprocess/2'))).toBe(false);
  expect(fs.statSync(path.join(v1, 'predictions', names[0])).mtimeMs).toBe(first);
  for (const [f, bytes] of Object.entries(whole)) expect(read(path.join(v1, f)).equals(bytes)).toBe(true);
});

test('a run stopped by the data check holds no outputs and the same command starts it again once the data is fixed', () => {
  const train = path.join(dir, 'bad-train');
  fs.cpSync(path.join(nuclei, 'train'), train, { recursive: true });
  const label = path.join(train, 'labels/06c779330d6d.tif');
  const good = read(label);
  fs.writeFileSync(label, 'not an image');
  fs.writeFileSync(path.join(dir, 'bad.yaml'), config(train));
  const args = ['train', '--config', 'bad.yaml', '--out', 'stopped'];
  const stopped = cli(args, dir);
  expect(stopped.status).toBe(2);
  expect(stopped.stderr).toContain('06c779330d6d.tif');
  // Only the run's config and log: no output of any stage.
  expect(fs.readdirSync(path.join(dir, 'stopped')).filter((f) => !f.startsWith('.')).sort()).toEqual(['config.yaml', 'log.jsonl']);
  fs.writeFileSync(label, good);
  const again = cli(args, dir);
  expect(again.status).toBe(0);
  expect(fs.existsSync(path.join(dir, 'stopped/model/biaflow.json'))).toBe(true);
  // Training again into it now would replace the model: that needs --overwrite.
  const twice = cli(args, dir);
  expect(twice.status).toBe(2);
  expect(twice.stderr).toContain('the outputs train would replace: model, checkpoints, train_metrics.csv, split.json');
});

test('tune --out RUN writes the tuned values into a post-processing variant beside the first result', () => {
  // Tuning needs 5 validation images: 10 training images (copies of the fixture's 2 under other names), half validate.
  const many = path.join(dir, 'many');
  for (const kind of ['images', 'labels']) {
    fs.mkdirSync(path.join(many, kind), { recursive: true });
    for (const f of fs.readdirSync(path.join(nuclei, 'train', kind))) {
      for (let i = 0; i < 5; i++) fs.copyFileSync(path.join(nuclei, 'train', kind, f), path.join(many, kind, `${i}-${f}`));
    }
  }
  fs.writeFileSync(path.join(dir, 'many.yaml'), config(many).replace('train: { epochs: 1', 'train: { tune_thresholds: false, epochs: 1'));
  const run = path.join(dir, 'tune-seq');
  expect(cli(['train', '--config', 'many.yaml', '--out', run], dir).status).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(run, 'model/biaflow.json'), 'utf8')).tuned).toBeUndefined();
  expect(cli(['predict', '--out', run], dir).status).toBe(0);
  const topMetrics = read(path.join(run, 'metrics.json'));
  const tuned = cli(['tune', '--out', run], dir);
  expect(tuned.status).toBe(0);
  const meta = JSON.parse(fs.readFileSync(path.join(run, 'model/biaflow.json'), 'utf8'));
  const v1 = path.join(run, 'postprocess/1');
  // The tuned values (seeded run: they differ from the defaults the first result used) post-process a variant.
  const written = fs.readFileSync(path.join(v1, 'config.yaml'), 'utf8');
  for (const [k, v] of Object.entries(meta.tuned.options)) expect(written).toContain(`${k}: ${v}`);
  expect(tuned.stdout).toContain(`metrics: ${path.relative(dir, path.join(v1, 'metrics.json'))}`);
  expect(metrics(v1).per_image.map((r: { image: string }) => r.image)).toEqual(['003cee89357d.tif']);
  expect(read(path.join(run, 'metrics.json')).equals(topMetrics)).toBe(true);
});
