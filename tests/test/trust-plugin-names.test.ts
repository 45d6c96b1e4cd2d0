import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { strToU8, unzipSync, strFromU8 } from 'fflate';
import { parse, stringify } from 'yaml';
import { createZip } from '@biaflow/bioimageio';
import { isPackageName, loadPlugin, packageNameProblem, resolvePlugin } from '@biaflow/core/internals';
import { biaflow, fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * Code from data (issue 21, point 1): a plugin name a model bundle, a zoo package, a run folder or a
 * searched config writes must be an npm package name, found as `<node_modules>/<name>` (never a path
 * out of it), declared a biaflow plugin, with its entry inside it. Each route plants a file that
 * writes a marker when it runs, beside a package.json that declares a full plugin manifest (so only
 * the name rule can stop it), and checks: exit 2, the message names the entry and where it was
 * written, no marker.
 */
const MODEL = path.join(repo, 'packages/model-nuclei2d/model');
const TEST_IMAGE = path.join(fixtures, 'nuclei2d/test/images/003cee89357d.tif');

/** A package.json that declares a plugin in every way but its place: keyword, manifest, main. */
function pluginPackageJson(name: string, main = 'plugin.js'): string {
  return JSON.stringify({ name, version: '1.0.0', main, keywords: ['biaflow-plugin'], biaflow: { steps: ['evil_step'] } });
}

/** A module that leaves `marker` when its code runs (at import, before any check of what it exports). */
function plant(file: string, marker: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { name: 'evil', version: '1.0.0', core: '*', apply() {} };\n`);
  fs.writeFileSync(path.join(path.dirname(file), 'package.json'), pluginPackageJson('evil'));
}

/** The CLI's exit code and output, whatever the code. */
function run(args: string[], cwd: string): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [path.join(repo, 'packages/biaflow/dist/bin.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

function expectRefused(r: { code: number | null; stderr: string }, entry: string, where: RegExp, marker: string): void {
  expect(fs.existsSync(marker)).toBe(false);
  expect(r.stderr).toContain(`plugin ${JSON.stringify(entry)} (from `);
  expect(r.stderr).toMatch(where);
  expect(r.stderr).toContain('is not an npm package name');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(2);
}

/** A copy of the nuclei2d bundle under `dir` whose biaflow.json records `plugin` among the plugins its run loaded. */
function bundleNaming(dir: string, plugin: string): string {
  fs.cpSync(MODEL, dir, { recursive: true });
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'biaflow.json'), 'utf8'));
  meta.plugins = [...meta.plugins, { name: plugin, version: '*' }];
  fs.writeFileSync(path.join(dir, 'biaflow.json'), JSON.stringify(meta));
  return dir;
}

describe('model bundles (predict --model DIR)', () => {
  test.each([
    ['a name climbing out of its package', 'biaflow-plugin-stats/../../shared/plugin'],
    ['a first-party scope climbing out', '@biaflow/../../shared/plugin'],
  ])('%s: %s runs nothing (exit 2, names the entry and the bundle)', (_what, entry) => {
    const cwd = tmpdir();
    // What the entry would reach from the project's node_modules: shared/plugin.js, in a folder that declares a plugin.
    fs.mkdirSync(path.join(cwd, 'node_modules', 'biaflow-plugin-stats'), { recursive: true });
    const marker = path.join(cwd, 'MARKER');
    const bundle = bundleNaming(path.join(cwd, 'shared'), entry);
    plant(path.join(bundle, 'plugin.js'), marker);
    const r = run(['predict', '--model', 'shared', '--input', TEST_IMAGE, '--out', 'out'], cwd);
    expectRefused(r, entry, /\(from the model bundle in .*\/shared\)/, marker);
    expect(r.stderr).toContain('--plugin PATH');
    expect(fs.existsSync(path.join(cwd, 'out', 'predictions'))).toBe(false);
  });
});

describe('zoo packages', () => {
  let exported: string;
  beforeAll(() => {
    const dir = tmpdir();
    biaflow(['export', '--model', MODEL, '--out', 'pkg', '--sample', TEST_IMAGE], dir);
    exported = path.join(dir, 'pkg');
  });

  /** The exported package's files, its tensorflow_js bundle recording `plugin` among its plugins (hash updated). */
  function packageNaming(plugin: string): Map<string, Uint8Array> {
    const files = new Map<string, Uint8Array>();
    for (const name of fs.readdirSync(exported)) files.set(name, fs.readFileSync(path.join(exported, name)));
    const description = parse(fs.readFileSync(path.join(exported, 'bioimageio.yaml'), 'utf8'));
    const tfjs = description.weights.tensorflow_js.source as string;
    const inner = unzipSync(files.get(tfjs)!);
    const meta = JSON.parse(strFromU8(inner['biaflow.json']));
    meta.plugins = [...meta.plugins, { name: plugin, version: '*' }];
    inner['biaflow.json'] = strToU8(JSON.stringify(meta));
    const zip = createZip(new Map(Object.entries(inner)));
    files.set(tfjs, zip);
    description.weights.tensorflow_js.sha256 = createHash('sha256').update(zip).digest('hex');
    files.set('bioimageio.yaml', strToU8(stringify(description)));
    return files;
  }

  test('a folder package whose tensorflow_js bundle names a path from core\'s own node_modules runs nothing', () => {
    const cwd = tmpdir();
    const marker = path.join(cwd, 'MARKER');
    plant(path.join(cwd, 'anywhere', 'plugin.js'), marker);
    // From packages/core/node_modules (beside core, where @biaflow/* names are looked for), enough ".." reach "/".
    const entry = `@biaflow/${'../'.repeat(12)}${path.join(cwd, 'anywhere', 'plugin').slice(1)}`;
    const pkg = path.join(cwd, 'downloaded');
    fs.mkdirSync(pkg);
    for (const [name, bytes] of packageNaming(entry)) fs.writeFileSync(path.join(pkg, name), bytes);
    const r = run(['predict', '--model', pkg, '--input', TEST_IMAGE, '--out', 'out'], cwd);
    expectRefused(r, entry, /\(from the model in .*\/downloaded\)/, marker);
  });

  test('a .zip package naming biaflow-plugin-x/../../scripts/cleanup.js runs nothing', () => {
    const cwd = tmpdir();
    fs.mkdirSync(path.join(cwd, 'node_modules', 'biaflow-plugin-x'), { recursive: true });
    const marker = path.join(cwd, 'MARKER');
    plant(path.join(cwd, 'scripts', 'cleanup.js'), marker);
    const entry = 'biaflow-plugin-x/../../scripts/cleanup.js';
    fs.writeFileSync(path.join(cwd, 'model.zip'), createZip(packageNaming(entry)));
    const r = run(['predict', '--model', 'model.zip', '--input', TEST_IMAGE, '--out', 'out'], cwd);
    expectRefused(r, entry, /\(from the model in .*\/model\.zip\)/, marker);
  });
});

describe('a run folder\'s saved config.yaml', () => {
  // One real run folder (a prediction with the nuclei2d model), its saved config naming a file above
  // the project's node_modules; every command that reads that config is refused, so none changes it.
  let cwd: string;
  let marker: string;
  const entry = '@biaflow/../../helpers/helper';
  beforeAll(() => {
    cwd = tmpdir();
    biaflow(['predict', '--model', MODEL, '--input', TEST_IMAGE, '--out', 'run', '--log-level', 'warn'], cwd);
    marker = path.join(cwd, 'MARKER');
    plant(path.join(cwd, 'helpers', 'helper.js'), marker);
    fs.mkdirSync(path.join(cwd, 'node_modules'));
    const saved = path.join(cwd, 'run', 'config.yaml');
    const text = fs.readFileSync(saved, 'utf8');
    const config = parse(text);
    config.plugins = [...(config.plugins ?? []), entry];
    // Keep biaflow's first line: the folder stays a run folder (point 6), so the plugin name rule is what refuses it.
    fs.writeFileSync(saved, `${text.split('\n')[0]}\n${stringify(config)}`);
  });

  test.each([
    ['postprocess', ['postprocess', '--out', 'run']],
    ['predict --resume', ['predict', '--out', 'run', '--resume']],
    ['report', ['report', '--out', 'run']],
  ])('%s: plugins: ["@biaflow/../…/helper"] runs nothing', (_what, args) => {
    const r = run([...args], cwd);
    expectRefused(r, entry, /\(from the run folder's saved config \(.*\/run\/config\.yaml\)\)/, marker);
  });
});

test('a searched biaflow.config.yaml naming biaflow-plugin-x/../../vendor/helper: config validate runs nothing', () => {
  const project = tmpdir();
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"project"}');
  fs.mkdirSync(path.join(project, 'node_modules', 'biaflow-plugin-x'), { recursive: true });
  const marker = path.join(project, 'MARKER');
  plant(path.join(project, 'vendor', 'helper.js'), marker);
  const entry = 'biaflow-plugin-x/../../vendor/helper';
  fs.writeFileSync(path.join(project, 'biaflow.config.yaml'), `problem: { type: instance }\nplugins: ["${entry}"]\n`);
  const r = run(['config', 'validate'], project);
  expectRefused(r, entry, /\(from .*\/biaflow\.config\.yaml\)/, marker);
});

describe('the name rule', () => {
  /** mulberry32: a small seeded generator, so a failing name can be reproduced. */
  function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const SAFE = ['biaflow-plugin-x', '@biaflow', '@lab', 'plugin', 'a', 'b.c', 'x_y', '0', '-', 'node_modules', 'fs'];
  // Each alone makes a name unusable as a package name.
  const HAZARDS = ['..', '\\', '%2e', '%2E%2E', '%2f', '%5c', '\u2024', '\uFF0E', '\u3002', '\uFE52', '\u2025', '\u2215', '\uFF0F', 'C:', 'c:\\', 'A', ' ', '\0', '\n', '~', '!', '*', "'", '(', '\u0130'];
  const SEPARATORS = ['/', '/', '', '\\', '.'];
  const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];

  function generated(count: number, seed: number): { name: string; hazardous: boolean }[] {
    const r = random(seed);
    return Array.from({ length: count }, () => {
      const parts = Array.from({ length: 1 + Math.floor(r() * 5) }, () => (r() < 0.4 ? pick(r, HAZARDS) : pick(r, SAFE)));
      let name = parts.map((p, i) => (i === 0 ? p : pick(r, SEPARATORS) + p)).join('');
      if (r() < 0.15) name = `/${name}`;
      if (r() < 0.05) name = `C:\\${name}`;
      const hazardous = /\.\.|\\|%|[^\x20-\x7e]|^\/|^[A-Za-z]:|[A-Z ~!*'()]/.test(name);
      return { name, hazardous };
    });
  }

  test('5000 generated names: none with "..", "\\", "%", a Unicode dot, a drive letter or a leading "/" passes; none that passes escapes node_modules', () => {
    const nodeModules = '/project/node_modules';
    let passed = 0;
    let hazardous = 0;
    for (const { name, hazardous: bad } of generated(5000, 21)) {
      const ok = isPackageName(name);
      if (bad) {
        hazardous++;
        expect({ name, ok }).toEqual({ name, ok: false });
      }
      if (!ok) continue;
      passed++;
      // Independent of the grammar: a name that passes names a folder directly in node_modules (or in one @scope of it).
      const joined = path.posix.join(nodeModules, name);
      expect(joined).toBe(`${nodeModules}/${name}`);
      const rel = path.posix.relative(nodeModules, joined).split('/');
      expect(rel.length === 1 || (rel.length === 2 && rel[0].startsWith('@'))).toBe(true);
      expect(rel.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
      expect(path.win32.normalize(`C:\\nm\\${name}`).startsWith('C:\\nm\\')).toBe(true);
    }
    // The generator made both kinds.
    expect(hazardous).toBeGreaterThan(2000);
    expect(passed).toBeGreaterThan(50);
  });

  test('every generated hazardous name is refused by the gate with exit 2 before anything is looked up, naming the entry and its source', () => {
    const baseDir = tmpdir();
    for (const { name } of generated(2000, 7).filter((g) => g.hazardous)) {
      let error: { exitCode?: number; message?: string } | undefined;
      try {
        resolvePlugin({ specifier: name, baseDir, origin: 'saved', where: 'the model bundle in /m' });
      } catch (e) {
        error = e as typeof error;
      }
      expect({ name, exitCode: error?.exitCode }).toEqual({ name, exitCode: 2 });
      // A name starting with "." or "/" is a path: refused as one (a saved config names packages only).
      const said = name.startsWith('.') || name.startsWith('/') ? `plugin ${JSON.stringify(name)} is a path, and it comes from the model bundle in /m` : `plugin ${JSON.stringify(name)} (from the model bundle in /m) is not an npm package name`;
      expect(error?.message).toContain(said);
    }
  });

  test.each(['@biaflow/plugin-instance', 'biaflow-plugin-x', '@lab/biaflow-plugin-y', 'instance', 'a', 'plugin.js', 'x-1_2.3', '@a-b/c.d'])('%s is a package name', (name) => {
    expect(packageNameProblem(name)).toBeUndefined();
  });

  test.each([
    ['biaflow-plugin-stats/../../shared/plugin', 'holds a "/"'],
    ['@biaflow/../x', 'a scoped name is @scope/name'],
    ['@biaflow/..', 'no ".", ".."'],
    ['@../x', 'no ".", ".."'],
    ['x_y..', 'holds ".."'],
    ['@lab/a..b', 'holds ".."'],
    ['@biaflow/plugin-instance/dist/index.js', 'a scoped name is @scope/name'],
    ['@biaflow', 'a scoped name is @scope/name'],
    ['..', 'no ".", ".."'],
    ['.hidden', 'no ".", ".."'],
    ['_private', 'no ".", ".."'],
    ['Biaflow-Plugin', 'only lower-case'],
    ['biaflow%2e%2e', 'only lower-case'],
    ['biaflow\u2024\u2024', 'only lower-case'],
    ['C:\\x\\plugin.js', 'only lower-case'],
    ['\\\\server\\share', 'only lower-case'],
    ['fs', 'Node core module'],
    ['node_modules', 'reserved'],
    ['', 'empty'],
    ['a'.repeat(215), 'longer than 214'],
  ])('%s is refused (%s)', (name, why) => {
    expect(packageNameProblem(name)).toContain(why);
  });
});

describe('a package must declare itself, and keep its entry inside', () => {
  /** A project whose node_modules holds `name` with this package.json (and an index.js that leaves a marker). */
  function project(name: string, pkg: Record<string, unknown>): { cwd: string; marker: string; dir: string } {
    const cwd = tmpdir();
    const dir = path.join(cwd, 'node_modules', name);
    const marker = path.join(cwd, 'MARKER');
    plant(path.join(dir, 'index.js'), marker);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', ...pkg }));
    fs.writeFileSync(path.join(cwd, 'c.yaml'), `problem: { type: instance }\nplugins: [${name}]\n`);
    return { cwd, marker, dir };
  }

  test.each([
    ['without the keyword biaflow-plugin', { biaflow: { steps: ['s'] } }, 'its package.json lacks the keyword "biaflow-plugin"'],
    ['whose manifest is {}', { keywords: ['biaflow-plugin'], biaflow: {} }, 'its "biaflow" manifest lists no contribution'],
  ])('a package %s is refused, none of its code run', (_what, pkg, why) => {
    const { cwd, marker } = project('biaflow-plugin-undeclared', pkg);
    const r = run(['config', 'validate', '--config', 'c.yaml'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`package "biaflow-plugin-undeclared" (${path.join(cwd, 'node_modules', 'biaflow-plugin-undeclared')}, named by ${path.join(cwd, 'c.yaml')})`);
    expect(r.stderr).toContain(`is not a biaflow plugin: ${why}`);
    expect(r.stderr).toContain('none of its code was run');
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('a package whose main is ../../x.js is refused, nothing run (from a config and from --plugin)', () => {
    const { cwd, marker } = project('biaflow-plugin-outside', { keywords: ['biaflow-plugin'], biaflow: { steps: ['s'] }, main: '../../x.js' });
    const outside = path.join(cwd, 'x.js');
    plant(outside, marker);
    fs.writeFileSync(path.join(cwd, 'bare.yaml'), 'problem: { type: instance }\n');
    for (const args of [['config', 'validate', '--config', 'c.yaml'], ['config', 'validate', '--config', 'bare.yaml', '--plugin', 'biaflow-plugin-outside']]) {
      const r = run(args, cwd);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('package "biaflow-plugin-outside"');
      expect(r.stderr).toContain(`its entry (package.json "main" / "exports") is ${fs.realpathSync(outside)}, outside the package folder`);
      expect(fs.existsSync(marker)).toBe(false);
    }
  });

  /** An entry file inside the package folder that is a link to `target` outside it. */
  function linkInside(dir: string, target: string): string {
    fs.symlinkSync(target, path.join(dir, 'inside.js'));
    return './inside.js';
  }

  // The same gate in process (what loadPlugin imports only once it passed): more shapes of the rule, no process each.
  test.each([
    ['whose manifest lists empty lists', (_dir: string, _x: string) => ({ biaflow: { steps: [], workflows: [] } }), 'its "biaflow" manifest lists no contribution'],
    ['that ships models only', () => ({ biaflow: { models: [{ name: 'm', path: 'model' }] } }), 'its "biaflow" manifest lists models only'],
    ['whose exports link outside its folder', (dir: string, x: string) => ({ exports: linkInside(dir, x) }), 'outside the package folder'],
    ['whose main is a link outside its folder', (dir: string, x: string) => ({ main: linkInside(dir, x) }), 'outside the package folder'],
  ])('loadPlugin refuses a package %s before importing it', async (_what, change, why) => {
    const { cwd, marker, dir } = project('biaflow-plugin-shapes', {});
    const outside = path.join(cwd, 'x.js');
    plant(outside, marker);
    const base = { name: 'biaflow-plugin-shapes', version: '1.0.0', main: 'index.js', keywords: ['biaflow-plugin'], biaflow: { steps: ['s'] } };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...base, ...change(dir, outside) }));
    const err = await loadPlugin({ specifier: 'biaflow-plugin-shapes', baseDir: cwd, where: 'a test' }).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`package "biaflow-plugin-shapes" (${dir}, named by a test)`);
    expect(err.message).toContain(why);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('a declared package linked into node_modules (as npm link and workspaces do) loads from where the link points', () => {
    const cwd = tmpdir();
    const source = path.join(cwd, 'checkout', 'my-plugin');
    const marker = path.join(cwd, 'LOADED');
    fs.mkdirSync(source, { recursive: true });
    fs.writeFileSync(path.join(source, 'package.json'), JSON.stringify({ name: 'biaflow-plugin-linked', version: '1.0.0', main: 'index.js', keywords: ['biaflow-plugin'], biaflow: { steps: ['linked_step'] } }));
    fs.writeFileSync(
      path.join(source, 'index.js'),
      `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { name: 'biaflow-plugin-linked', version: '1.0.0', core: '*', apply() {} };\n`,
    );
    fs.mkdirSync(path.join(cwd, 'node_modules'));
    fs.symlinkSync(source, path.join(cwd, 'node_modules', 'biaflow-plugin-linked'));
    fs.writeFileSync(path.join(cwd, 'c.yaml'), 'problem: { type: instance }\nplugins: [biaflow-plugin-linked]\n');
    const r = run(['config', 'validate', '--config', 'c.yaml'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.existsSync(marker)).toBe(true);
  });
});
