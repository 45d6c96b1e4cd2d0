import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = path.resolve(__dirname, '../../biaflow/dist/bin.js');

function biaflow(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-cli-'));
}

describe('biaflow CLI', () => {
  test('config validate: a misspelt section prints the key path and suggestion, exit 2, no stack', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'problem:\n  type: instance\ntrian:\n  epochs: 3\n');
    const r = biaflow(['config', 'validate', '--config', 'bad.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trian: unknown key (did you mean "train"?)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('--set trian.epochs=3 is refused the same way', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'ok.yaml'), 'problem:\n  type: instance\n');
    const r = biaflow(['config', 'validate', '--config', 'ok.yaml', '--set', 'trian.epochs=3'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trian: unknown key in --set trian.epochs=3 (did you mean "train"?)');
  });

  test('a valid config validates with exit 0', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'ok.yaml'), 'problem:\n  type: instance\n');
    const r = biaflow(['config', 'validate', '--config', 'ok.yaml', '--set', 'data.patch_size=[128,128]'], dir);
    expect(r.stdout).toContain('config OK');
    expect(r.code).toBe(0);
  });

  test('plugins lists the five first-party plugins with versions', () => {
    const r = biaflow(['plugins'], tmpdir());
    expect(r.code).toBe(0);
    for (const p of ['semantic', 'instance', 'detection', 'classification', 'postproc']) {
      expect(r.stdout).toMatch(new RegExp(`@biaflow/plugin-${p}\\s+\\d+\\.\\d+\\.\\d+`));
    }
  });

  test('--out on a folder that holds a run exits 2', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'ok.yaml'), 'problem:\n  type: instance\n');
    const runDir = path.join(dir, 'run1');
    fs.mkdirSync(runDir);
    // A run's saved config (biaflow's first line) and its log: what makes a folder a run's.
    fs.writeFileSync(path.join(runDir, 'config.yaml'), '# resolved by @biaflow/core 0.1.0\nproblem: {type: instance}\n');
    fs.writeFileSync(path.join(runDir, 'log.jsonl'), '{"level":30,"time":1796662950695,"event":"run-start","msg":"train in run1"}\n');
    // An output of training: training again would replace it.
    fs.writeFileSync(path.join(runDir, 'train_metrics.csv'), 'epoch\n');
    const r = biaflow(['train', '--config', 'ok.yaml', '--out', 'run1'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run folder ${runDir} already holds a run with the outputs train would replace: train_metrics.csv`);
    expect(r.stderr).toContain('--resume');
  });

  test('init writes a starter config that validates', () => {
    const dir = tmpdir();
    expect(biaflow(['init', 'instance', '--out', 'biaflow.config.yaml'], dir).code).toBe(0);
    // Its data folders do not exist yet: validate names them.
    const missing = biaflow(['config', 'validate'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`data.train.images: ${path.join(dir, 'data/train/images')} does not exist`);
    // With the data where the starter config says (the bundled example's), it validates.
    fs.cpSync(path.resolve(__dirname, '../../../examples/data/nuclei2d-mini'), path.join(dir, 'data'), { recursive: true });
    const r = biaflow(['config', 'validate'], dir);
    expect(r.stdout).toContain('problem: instance, 2D');
    expect(r.code).toBe(0);
  });

  test('unknown commands and options are usage errors (exit 2)', () => {
    expect(biaflow(['trian'], tmpdir()).code).toBe(2);
    expect(biaflow(['config', 'validate', '--bogus'], tmpdir()).code).toBe(2);
  });

  test('--help works on every command', () => {
    for (const c of [[], ['run'], ['train'], ['predict'], ['postprocess'], ['evaluate'], ['config', 'validate'], ['plugins'], ['init']]) {
      const r = biaflow([...c, '--help'], tmpdir());
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: biaflow');
    }
  });
});
