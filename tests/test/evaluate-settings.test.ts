import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fixtures, handMadeRun, repo, tmpdir } from './e2e-helpers';

/**
 * A standalone `evaluate` (--pred / --gt) says which metrics settings scored it, and takes them from a
 * model (--model) or from the run folder it writes into when it holds a run.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const points = path.join(fixtures, 'spots2d/test/points');
const truth = fs.readdirSync(points)[0];

function evaluate(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, 'evaluate', '--pred', 'pred', '--gt', points, '--log-level', 'warn', ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const overall = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8')).overall;

let dir: string;
beforeAll(() => {
  dir = tmpdir();
  // Predictions: every true point moved by 2 pixels along the rows, so the tolerance decides.
  fs.mkdirSync(path.join(dir, 'pred'));
  const lines = fs.readFileSync(path.join(points, truth), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const row = head.indexOf('axis-0');
  const moved = lines.slice(1).map((l) => l.split(',').map((v, i) => (i === row ? String(Number(v) + 2) : v)).join(','));
  fs.writeFileSync(path.join(dir, 'pred', truth), `${[lines[0], ...moved].join('\n')}\n`);
});

test('with --workflow only, the defaults are used and named', () => {
  const r = evaluate(['--workflow', 'detection', '--out', 'defaults'], dir);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('scored with metrics.detection_tolerance=10, metrics.detection_ap_tolerances=null (the defaults)');
  const o = overall(path.join(dir, 'defaults'));
  expect(o.tolerance).toBe(10);
  expect(o.fn).toBe(0);
});

test("into a run folder, the run's own settings are used, and said", () => {
  const run = path.join(dir, 'run');
  handMadeRun(run, 'problem: { type: detection, ndim: 2 }\nmetrics: { detection_tolerance: 1 }\n');
  const r = evaluate(['--out', 'run'], dir);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`scored with metrics.detection_tolerance=1, metrics.detection_ap_tolerances=null (from the run's config (${path.join(run, 'config.yaml')}))`);
  // Moved by 2 pixels, nothing is within 1.
  const o = overall(run);
  expect(o.tolerance).toBe(1);
  expect(o.tp).toBe(0);
});

test("with --model, the model's training settings are used; --set still wins and is said", () => {
  const model = path.join(dir, 'model');
  fs.mkdirSync(model);
  fs.writeFileSync(
    path.join(model, 'biaflow.json'),
    JSON.stringify({ format: 'biaflow-model', format_version: 1, problem: 'detection', config: { problem: { type: 'detection' }, metrics: { detection_tolerance: 3 } } }),
  );
  const r = evaluate(['--model', model, '--out', 'by-model'], dir);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`metrics.detection_tolerance=3, metrics.detection_ap_tolerances=null (from the model's training config (${model}))`);
  expect(overall(path.join(dir, 'by-model')).tp).toBe(overall(path.join(dir, 'defaults')).tp);
  const set = evaluate(['--model', model, '--out', 'by-set', '--set', 'metrics.detection_tolerance=1.5'], dir);
  expect(set.stdout).toContain("metrics.detection_tolerance=1.5, metrics.detection_ap_tolerances=null (from the model's training config");
  expect(set.stdout).toContain('with --set metrics.detection_tolerance=1.5');
  expect(overall(path.join(dir, 'by-set')).tp).toBe(0);
  const other = evaluate(['--model', model, '--workflow', 'instance', '--out', 'other'], dir);
  expect(other.status).toBe(2);
  expect(other.stderr).toContain('is for the detection workflow');
});
