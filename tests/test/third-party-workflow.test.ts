import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readImage, writeImage } from 'biaflow';
import { handMadeRun, repo, tmpdir } from './e2e-helpers';

/**
 * A third-party workflow is first-class (issue 22, point 3): an installed package is found by its
 * manifest (package.json `biaflow.workflows[].name`, `biaflow.steps`) from `problem.type` or a
 * `postprocess:` method alone, as biaflow's own are — for runs, `evaluate --workflow`, `init`; two
 * packages declaring one name stop with exit 2 unless the config picks one; only what a config could
 * name loads (docs/security.md). The denoise example is a workspace package: installed beside core,
 * as a plugin of a global CLI is, so any folder reaches it. Fixture packages are written into a
 * temporary project's node_modules.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const DENOISE = path.join(repo, 'examples/plugin-denoise');
const DROP_BORDER = path.join(repo, 'examples/plugin-drop-border');

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with a message and no stack trace. */
function expectRefused(r: { code: number | null; stderr: string }): void {
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(2);
}

/** A package in `project`/node_modules/`folder` with this package.json and index.js. */
function installFixture(project: string, folder: string, pkg: Record<string, unknown>, index: string): string {
  const dir = path.join(project, 'node_modules', folder);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '1.0.0', main: 'index.js', keywords: ['biaflow-plugin'], ...pkg }));
  fs.writeFileSync(path.join(dir, 'index.js'), index);
  return dir;
}

/** Module text that leaves `marker` when it runs. */
const marking = (marker: string, rest = "module.exports = { name: 'x', version: '1.0.0', core: '*', apply() {} };") => `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n${rest}\n`;

/** A second package declaring the workflow `denoise`: the example's plugin under another name (it runs only when chosen; `marker` says it did). */
function installDenoiseTwin(project: string, marker: string): void {
  installFixture(
    project,
    'biaflow-plugin-denoise-too',
    { name: 'biaflow-plugin-denoise-too', biaflow: { workflows: [{ name: 'denoise', output: 'image', description: 'a twin' }], sections: ['denoise'] } },
    marking(marker, `const m = require(${JSON.stringify(DENOISE)});\nconst p = (m.default ?? m)();\nmodule.exports = { ...p, name: 'biaflow-plugin-denoise-too' };`),
  );
}

/** 32×32 float images of a ramp (range exactly 1), and of the ramp plus 0.1: MSE 0.01, PSNR 20 dB. */
async function writePair(gt: string, pred: string, name: string): Promise<void> {
  const clean = new Float32Array(32 * 32).map((_, i) => i / (32 * 32 - 1));
  await writeImage(path.join(gt, name), { data: clean, shape: [32, 32] });
  await writeImage(path.join(pred, name), { data: clean.map((v) => v + 0.1), shape: [32, 32] });
}

describe('problem.type alone loads an installed third-party workflow', () => {
  test('config validate: the denoise example loads from problem.type, with no plugins: and no --plugin', () => {
    const cwd = tmpdir();
    fs.writeFileSync(path.join(cwd, 'c.yaml'), 'problem: { type: denoise }\n');
    const r = run(['config', 'validate', '--config', 'c.yaml'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('problem: denoise, 2D');
    expect(r.stdout).toMatch(/plugins: .*biaflow-plugin-denoise@1\.0\.0/);
  });

  test('evaluate --workflow denoise --pred --gt scores with the example found by its manifest (PSNR 20 dB by construction)', async () => {
    const cwd = tmpdir();
    await writePair(path.join(cwd, 'gt'), path.join(cwd, 'pred'), 'a.tif');
    const r = run(['evaluate', '--workflow', 'denoise', '--pred', 'pred', '--gt', 'gt', '--out', 'ev', '--log-level', 'warn'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const metrics = JSON.parse(fs.readFileSync(path.join(cwd, 'ev', 'metrics.json'), 'utf8'));
    // The ramp's range is 1 and every pixel is off by 0.1 (in float32): 10·log10(1 / 0.01).
    expect(metrics.overall.psnr).toBeCloseTo(20, 4);
    expect(metrics.overall.images).toBe(1);
  });

  test('a post-processing method names its package: drop_border_objects loads the example with no plugins: (a real post-processing)', async () => {
    // A run folder's saved config loads packages of the working folder's project: the repository's workspace here.
    const runDir = path.join(tmpdir(), 'run');
    handMadeRun(runDir, 'problem: {type: instance}\npostprocess: [{method: threshold, value: 0.5}, {method: label}, {method: drop_border_objects}]\n');
    const p = new Float32Array(48 * 48);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 48; x++) for (const [cy, cx] of [[3, 24], [20, 14], [30, 34]]) if ((y - cy) ** 2 + (x - cx) ** 2 <= 25) p[y * 48 + x] = 0.9;
    await writeImage(path.join(runDir, 'probabilities/cells.tif'), { data: p, shape: [48, 48] });
    const r = run(['postprocess', '--out', runDir, '--log-level', 'warn'], repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Three disks labelled 1, 2, 3 in raster order; the first touches the top border and is dropped.
    expect(new Set((await readImage(path.join(runDir, 'predictions/cells.tif'))).data)).toEqual(new Set([0, 2, 3]));
  });
});

describe('only what a config could name loads', () => {
  test('a saved config (a run folder) finds a third-party step in the working folder\'s project only, not beside core', async () => {
    const runDir = path.join(tmpdir(), 'run');
    handMadeRun(runDir, 'problem: {type: instance}\npostprocess: [{method: threshold, value: 0.5}, {method: label}, {method: drop_border_objects}]\n');
    await writeImage(path.join(runDir, 'probabilities/cells.tif'), { data: new Float32Array(16 * 16), shape: [16, 16] });
    const outside = tmpdir();
    const refused = run(['postprocess', '--out', runDir], outside);
    expectRefused(refused);
    expect(refused.stderr).toContain('postprocess[2].method: unknown post-processing method "drop_border_objects"');
    // Installed in the person's project (a link, as npm link does), it loads.
    const project = tmpdir();
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(DROP_BORDER, path.join(project, 'node_modules', 'biaflow-plugin-drop-border'));
    const ok = run(['postprocess', '--out', runDir, '--log-level', 'warn'], project);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  test('a package without the biaflow-plugin keyword, or in a folder not named as its package, is not loaded for its workflow: none of its code runs', () => {
    const cwd = tmpdir();
    const marker = path.join(cwd, 'MARKER');
    const manifest = { biaflow: { workflows: [{ name: 'spyflow', output: 'labels', description: 'spy' }] } };
    installFixture(cwd, 'biaflow-plugin-spyflow', { name: 'biaflow-plugin-spyflow', keywords: ['not-a-plugin'], ...manifest }, marking(marker));
    installFixture(cwd, 'innocent', { name: 'biaflow-plugin-spyflow-two', ...manifest }, marking(marker));
    fs.writeFileSync(path.join(cwd, 'c.yaml'), 'problem: { type: spyflow }\n');
    const r = run(['config', 'validate', '--config', 'c.yaml'], cwd);
    expectRefused(r);
    expect(r.stderr).toContain('problem.type: is not a registered workflow (got "spyflow")');
    // The workflows it lists are those of packages the config could load: the example's, not the spy's.
    expect(r.stderr).toMatch(/installed workflows: [^\n]*denoise/);
    expect(r.stderr).not.toMatch(/installed workflows: [^\n]*spyflow/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('a package declaring the workflow whose entry leaves its folder is refused by name, before any of its code runs', () => {
    const cwd = tmpdir();
    const marker = path.join(cwd, 'MARKER');
    fs.writeFileSync(path.join(cwd, 'x.js'), marking(marker));
    installFixture(cwd, 'biaflow-plugin-spyflow', { name: 'biaflow-plugin-spyflow', main: '../../x.js', biaflow: { workflows: [{ name: 'spyflow', output: 'labels', description: 'spy' }] } }, marking(marker));
    fs.writeFileSync(path.join(cwd, 'c.yaml'), 'problem: { type: spyflow }\n');
    const r = run(['config', 'validate', '--config', 'c.yaml'], cwd);
    expectRefused(r);
    expect(r.stderr).toContain(`package "biaflow-plugin-spyflow" (${path.join(cwd, 'node_modules', 'biaflow-plugin-spyflow')}, named by problem.type in ${path.join(cwd, 'c.yaml')}) is refused`);
    expect(r.stderr).toContain('outside the package folder');
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('two installed packages declaring one workflow', () => {
  test('exit 2 naming both and what to do; the one listed under plugins: or given with --plugin wins', () => {
    const cwd = tmpdir();
    const marker = path.join(cwd, 'TWIN-RAN');
    installDenoiseTwin(cwd, marker);
    fs.writeFileSync(path.join(cwd, 'c.yaml'), 'problem: { type: denoise }\n');
    const both = run(['config', 'validate', '--config', 'c.yaml'], cwd);
    expectRefused(both);
    expect(both.stderr).toContain(`workflow "denoise" (problem.type in ${path.join(cwd, 'c.yaml')}) is declared by 2 installed packages: biaflow-plugin-denoise 1.0.0`);
    expect(both.stderr).toContain('biaflow-plugin-denoise-too 1.0.0');
    expect(both.stderr).toContain('hint: list the one to use under plugins: in');
    expect(fs.existsSync(marker)).toBe(false);

    fs.writeFileSync(path.join(cwd, 'listed.yaml'), 'problem: { type: denoise }\nplugins: [biaflow-plugin-denoise]\n');
    const listed = run(['config', 'validate', '--config', 'listed.yaml'], cwd);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/plugins: .*biaflow-plugin-denoise@1\.0\.0/);
    expect(listed.stdout).not.toContain('denoise-too');
    expect(fs.existsSync(marker)).toBe(false);

    const chosen = run(['config', 'validate', '--config', 'c.yaml', '--plugin', 'biaflow-plugin-denoise-too'], cwd);
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toMatch(/plugins: .*biaflow-plugin-denoise-too@1\.0\.0/);
    expect(chosen.stdout).not.toMatch(/biaflow-plugin-denoise@/);
    expect(fs.existsSync(marker)).toBe(true);
  });

  test('init: exit 2 naming both; with --plugin, the starter config lists the chosen one', () => {
    const cwd = tmpdir();
    installDenoiseTwin(cwd, path.join(cwd, 'TWIN-RAN'));
    const both = run(['init', 'denoise'], cwd);
    expectRefused(both);
    expect(both.stderr).toContain('workflow "denoise" (biaflow init denoise) is declared by 2 installed packages');
    expect(both.stderr).toContain('hint: pass the one to use with --plugin (biaflow init denoise --plugin biaflow-plugin-denoise)');
    const chosen = run(['init', 'denoise', '--plugin', 'biaflow-plugin-denoise-too'], cwd);
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('plugins: [biaflow-plugin-denoise-too]');
  });
});

describe('biaflow init', () => {
  test('init denoise, without --plugin, writes the example\'s starter config, which validates once its data is there', async () => {
    const cwd = tmpdir();
    const wrote = run(['init', 'denoise', '--out', 'biaflow.config.yaml'], cwd);
    expect(wrote.code).toBe(0);
    const text = fs.readFileSync(path.join(cwd, 'biaflow.config.yaml'), 'utf8');
    expect(text).toContain('  type: denoise\n');
    expect(text).toContain('masked_fraction: 0.002');
    expect(text).not.toContain('plugins:');
    // The data folders the starter config names, with one 256×256 image each (its patch size).
    for (const folder of ['data/train/images', 'data/test/images', 'data/test/clean']) {
      await writeImage(path.join(cwd, folder, 'a.tif'), { data: new Float32Array(256 * 256).fill(0.5), shape: [256, 256] });
    }
    const r = run(['config', 'validate'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('problem: denoise, 2D');
  });

  test('an unknown workflow: exit 2 listing the installed ones, the third-party one included', () => {
    const r = run(['init', 'denoize'], tmpdir());
    expectRefused(r);
    expect(r.stderr).toContain('unknown workflow "denoize" (did you mean "denoise"?); installed workflows: ');
    expect(r.stderr).toMatch(/installed workflows: [^\n]*denoise/);
  });
});

describe('biaflow config docs --plugin', () => {
  test('documents the denoise example\'s section (its keys, types and defaults); the default page does not', () => {
    const cwd = tmpdir();
    const r = run(['config', 'docs', '--plugin', 'biaflow-plugin-denoise'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Configuration reference: biaflow-plugin-denoise\n/);
    expect(r.stdout).toContain('- `denoise` (output: image): Self-supervised denoising (Noise2Void)');
    expect(r.stdout).toContain('## `denoise` (from biaflow-plugin-denoise)');
    expect(r.stdout).toMatch(/\| `denoise\.masked_fraction` \| number \(0, 0\.1\] \| `0\.002` \|/);
    expect(r.stdout).toMatch(/\| `denoise\.masking` \| boolean \| `true` \|/);
    expect(r.stdout).not.toContain('## `train`');
    const all = run(['config', 'docs'], cwd);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('## `instance` (from @biaflow/plugin-instance)');
    expect(all.stdout).not.toContain('`denoise');
  });

  test('a plugin that is not installed: exit 2 naming it', () => {
    const r = run(['config', 'docs', '--plugin', 'biaflow-plugin-absent'], tmpdir());
    expectRefused(r);
    expect(r.stderr).toContain('cannot find plugin "biaflow-plugin-absent"');
  });
});

describe('biaflow plugins --check', () => {
  /** A package whose manifest declares `said_step` while its apply() registers `other_step`. */
  function installLiar(project: string): string {
    const core = path.join(repo, 'packages/core');
    return installFixture(
      project,
      'biaflow-plugin-liar',
      { name: 'biaflow-plugin-liar', biaflow: { steps: ['said_step', 'both_step'] } },
      `const { z } = require(${JSON.stringify(core)});\nconst step = (name) => ({ name, description: name, options: z.strictObject({}), run: (p) => p });\nmodule.exports = { name: 'biaflow-plugin-liar', version: '1.0.0', core: '*', apply(kernel) { kernel.registerPostprocess(step('other_step')); kernel.registerPostprocess(step('both_step')); } };\n`,
    );
  }

  test('a package whose manifest lies: exit 1, each difference printed; the others ok', () => {
    const cwd = tmpdir();
    installLiar(cwd);
    const r = run(['plugins', '--check'], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('biaflow-plugin-liar 1.0.0: 2 differences between its manifest (package.json "biaflow") and what apply() registers\n');
    expect(r.stdout).toContain('  steps: "other_step" is registered by apply() but missing in the manifest\n');
    expect(r.stdout).toContain('  steps: "said_step" is declared in the manifest but apply() does not register it\n');
    expect(r.stdout).toContain('biaflow-plugin-denoise 1.0.0: ok\n');
    expect(r.stdout).toContain('@biaflow/plugin-instance 0.1.0: ok\n');
    expect(r.stderr).toMatch(/^error: 1 of \d+ plugin packages checked differs from its manifest: biaflow-plugin-liar\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('named packages only, by name or by folder (a plugin author\'s checkout)', () => {
    const cwd = tmpdir();
    const liar = installLiar(cwd);
    const ok = run(['plugins', '--check', 'biaflow-plugin-denoise'], cwd);
    expect(ok.stdout).toBe('biaflow-plugin-denoise 1.0.0: ok\n');
    expect(ok.code).toBe(0);
    const byFolder = run(['plugins', '--check', '.'], liar);
    expect(byFolder.code).toBe(1);
    expect(byFolder.stdout).toContain('  steps: "said_step" is declared in the manifest but apply() does not register it\n');
  });

  test('a lying manifest found for a configured step: exit 2 naming the package and the check', () => {
    const cwd = tmpdir();
    installLiar(cwd);
    fs.writeFileSync(path.join(cwd, 'c.yaml'), 'problem: { type: instance }\npostprocess: [{ method: said_step }]\n');
    const r = run(['config', 'validate', '--config', 'c.yaml'], cwd);
    expectRefused(r);
    expect(r.stderr).toContain('biaflow-plugin-liar');
    expect(r.stderr).toContain('declares the post-processing method "said_step" in its package.json manifest, but its plugin does not register it');
    expect(r.stderr).toContain('biaflow plugins --check biaflow-plugin-liar');
  });

  test('a name that is no installed plugin package: exit 2', () => {
    const r = run(['plugins', '--check', 'biaflow-plugin-absent'], tmpdir());
    expectRefused(r);
    expect(r.stderr).toContain('cannot find plugin "biaflow-plugin-absent"');
  });
});
