import fs from 'node:fs';
import path from 'node:path';
import { loadWorkflowModel } from 'biaflow';
import { biaflow, fixtures, tmpdir } from './e2e-helpers';

/**
 * Only plugins the person chose run (docs/security.md): a model bundle, or a config found by
 * searching, cannot make biaflow run a file. Each test plants a file that would write a marker if it
 * ran, and checks the marker is absent.
 */
const data = path.join(fixtures, 'nuclei2d');
const TEST_IMAGE = path.join(data, 'test/images/003cee89357d.tif');

/** A plugin file that leaves a marker when its code runs (at import, before any "not a plugin" check). */
function plant(file: string, marker: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { name: 'evil', version: '1.0.0', core: '*', apply() {} };\n`);
}

let model: string;
beforeAll(() => {
  const dir = tmpdir();
  fs.writeFileSync(
    path.join(dir, 'c.yaml'),
    `problem: { type: instance }\nsystem: { backend: wasm, seed: 1 }\ndata:\n  train: { images: ${data}/train/images, labels: ${data}/train/labels }\n  val: { split: 0.5 }\n  patch_size: [32, 32]\nmodel: { feature_maps: [8, 16], normalization: none }\ntrain: { epochs: 1, batch_size: 2, steps_per_epoch: 1 }\n`,
  );
  biaflow(['train', '--config', 'c.yaml', '--out', 'run', '--log-level', 'warn'], dir);
  model = path.join(dir, 'run', 'model');
});

/** A copy of the trained bundle whose saved config names plugins by path, with the files beside it and in the working folder. */
function downloadedModel(): { cwd: string; bundle: string; markers: string[] } {
  const cwd = tmpdir();
  const bundle = path.join(cwd, 'downloads', 'model');
  fs.cpSync(model, bundle, { recursive: true });
  const markers = [path.join(cwd, 'MARKER-relative'), path.join(cwd, 'MARKER-absolute'), path.join(cwd, 'MARKER-bundle')];
  plant(path.join(cwd, 'evil.js'), markers[0]);
  plant(path.join(cwd, 'elsewhere', 'evil.js'), markers[1]);
  plant(path.join(bundle, 'evil.js'), markers[2]);
  const meta = JSON.parse(fs.readFileSync(path.join(bundle, 'biaflow.json'), 'utf8'));
  meta.config.plugins = ['./evil.js', path.join(cwd, 'elsewhere', 'evil.js')];
  meta.plugins = [...meta.plugins, { name: './evil.js', version: '*' }];
  fs.writeFileSync(path.join(bundle, 'biaflow.json'), JSON.stringify(meta));
  return { cwd, bundle, markers };
}

test('predict --model: a bundle naming plugin files runs none of them (exit 2, says why and what to do)', () => {
  const { cwd, bundle, markers } = downloadedModel();
  const r = biaflow(['predict', '--model', bundle, '--input', TEST_IMAGE, '--out', 'out'], cwd, 2);
  expect(r.stderr).toMatch(/plugin ".*evil\.js" is a path, and it comes from the model bundle in .*downloads\/model, which was saved with a model or a run/);
  expect(r.stderr).toContain('--plugin');
  for (const m of markers) expect(fs.existsSync(m)).toBe(false);
});

test('loadWorkflowModel: the same bundle runs none of its plugin files', async () => {
  const { cwd, bundle, markers } = downloadedModel();
  const err = await loadWorkflowModel(bundle, { cwd }).catch((e) => e);
  expect(err.exitCode).toBe(2);
  expect(err.message).toMatch(/is a path, and it comes from the model bundle/);
  for (const m of markers) expect(fs.existsSync(m)).toBe(false);
});

test('a bundle records the plugins it needs; a missing one is named with the command that installs it', () => {
  const cwd = tmpdir();
  const bundle = path.join(cwd, 'model');
  fs.cpSync(model, bundle, { recursive: true });
  const meta = JSON.parse(fs.readFileSync(path.join(bundle, 'biaflow.json'), 'utf8'));
  expect(meta.plugins.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['@biaflow/plugin-instance', '@biaflow/plugin-postproc']));
  expect(meta.plugins.every((p: { version: string }) => p.version.startsWith('^'))).toBe(true);
  meta.plugins.push({ name: 'biaflow-plugin-not-installed', version: '^2.0.0' });
  fs.writeFileSync(path.join(bundle, 'biaflow.json'), JSON.stringify(meta));
  const r = biaflow(['predict', '--model', bundle, '--input', TEST_IMAGE, '--out', 'out'], cwd, 2);
  expect(r.stderr).toContain('cannot find plugin "biaflow-plugin-not-installed" (the model bundle in');
  expect(r.stderr).toContain('npm i biaflow-plugin-not-installed');
});

test('an installed package that declares no biaflow manifest is refused before its code runs', () => {
  const cwd = tmpdir();
  const marker = path.join(cwd, 'MARKER');
  const pkg = path.join(cwd, 'node_modules', 'not-a-plugin');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'not-a-plugin', version: '1.0.0', main: 'index.js' }));
  plant(path.join(pkg, 'index.js'), marker);
  fs.writeFileSync(path.join(cwd, 'c.yaml'), 'problem: { type: instance }\nplugins: [not-a-plugin]\n');
  const r = biaflow(['config', 'validate', '--config', 'c.yaml'], cwd, 2);
  expect(r.stderr).toContain('package "not-a-plugin"');
  expect(r.stderr).toContain('is not a biaflow plugin: its package.json declares no "biaflow" manifest; none of its code was run');
  expect(fs.existsSync(marker)).toBe(false);
});

test('a plugin file the person passes with --plugin runs (the same file a bundle may not name)', () => {
  const { cwd, bundle, markers } = downloadedModel();
  // The bundle's saved config no longer names files; the person passes one.
  const meta = JSON.parse(fs.readFileSync(path.join(bundle, 'biaflow.json'), 'utf8'));
  meta.config.plugins = [];
  meta.plugins = meta.plugins.filter((p: { name: string }) => !p.name.endsWith('.js'));
  fs.writeFileSync(path.join(bundle, 'biaflow.json'), JSON.stringify(meta));
  biaflow(['predict', '--model', bundle, '--input', TEST_IMAGE, '--out', 'out', '--plugin', './evil.js', '--log-level', 'warn'], cwd);
  expect(fs.existsSync(markers[0])).toBe(true);
  expect(fs.existsSync(markers[2])).toBe(false);
  expect(fs.existsSync(path.join(cwd, 'out', 'predictions', '003cee89357d.tif'))).toBe(true);
});

describe('config search', () => {
  test('a biaflow.config.js in a parent folder is never run by the search (no project root on the way: the working folder only)', () => {
    const root = tmpdir();
    const marker = path.join(root, 'MARKER');
    fs.writeFileSync(path.join(root, 'biaflow.config.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { problem: { type: 'instance' } };\n`);
    fs.writeFileSync(path.join(root, 'biaflow.config.yaml'), 'problem: { type: instance }\n');
    const cwd = path.join(root, 'sub');
    fs.mkdirSync(cwd);
    const r = biaflow(['config', 'validate'], cwd, 2);
    expect(r.stderr).toContain(`no config found: no --config given and no biaflow.config.yaml (or .yml, .json, .biaflowrc, package.json#biaflow) in ${cwd}`);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('in a project, the search climbs to the root (package.json or .git) and finds data configs only', () => {
    const outside = tmpdir();
    fs.writeFileSync(path.join(outside, 'biaflow.config.yaml'), 'problem: { type: detection }\n');
    const project = path.join(outside, 'project');
    fs.mkdirSync(path.join(project, '.git'), { recursive: true });
    const marker = path.join(outside, 'MARKER');
    fs.writeFileSync(path.join(project, 'biaflow.config.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { problem: { type: 'instance' } };\n`);
    const cwd = path.join(project, 'a', 'b');
    fs.mkdirSync(cwd, { recursive: true });
    // The .js config is not searched; the YAML above the project root is not reached.
    expect(biaflow(['config', 'validate'], cwd, 2).stderr).toContain('no config found');
    expect(fs.existsSync(marker)).toBe(false);
    fs.writeFileSync(path.join(project, 'biaflow.config.yaml'), 'problem: { type: semantic }\n');
    expect(biaflow(['config', 'validate'], cwd).stdout).toContain('problem: semantic');
    expect(fs.existsSync(marker)).toBe(false);
    // Passed with --config, the .js config is the person's choice: it runs.
    expect(biaflow(['config', 'validate', '--config', path.join(project, 'biaflow.config.js')], cwd).stdout).toContain('problem: instance');
    expect(fs.existsSync(marker)).toBe(true);
  });

  test('a config found by searching may name plugins by package, not by path', () => {
    const project = tmpdir();
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"p"}');
    const marker = path.join(project, 'MARKER');
    plant(path.join(project, 'my-plugin.js'), marker);
    fs.writeFileSync(path.join(project, 'biaflow.config.yaml'), 'problem: { type: instance }\nplugins: [./my-plugin.js]\n');
    const r = biaflow(['config', 'validate'], project, 2);
    expect(r.stderr).toMatch(/plugin "\.\/my-plugin\.js" is a path, and it comes from .*biaflow\.config\.yaml, which was found by searching, not passed with --config/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('--help says that JS configs are code and run only when passed with --config', () => {
    expect(biaflow(["run", "--help"], tmpdir()).stdout.replace(/\s+/g, " ")).toContain("a .js/.cjs/.ts config is code and runs only when passed here");
  });
});
