import fs from 'node:fs';
import path from 'node:path';
import { createKernel } from '@biaflow/core';
import { manifestDrift, readPluginPackage, registeredContributions, type BiaflowPlugin, type PluginManifest } from '@biaflow/core/internals';
import { biaflow, repo, tmpdir } from './e2e-helpers';

/** Every package of the repository that declares a biaflow plugin in its package.json. */
function pluginPackageDirs(): string[] {
  return ['packages', 'examples']
    .flatMap((parent) => fs.readdirSync(path.join(repo, parent)).map((d) => path.join(repo, parent, d)))
    .filter((d) => readPluginPackage(d) !== undefined);
}

/** A manifest with every list present (absent lists are empty). */
function complete(m: PluginManifest): Required<PluginManifest> {
  return { workflows: [], steps: [], sections: [], readers: [], writers: [], points: [], engines: [], trainers: [], backends: [], networks: [], outputs: [], formats: [], commands: [], ...m };
}

test('the first-party plugins and the examples declare manifests', () => {
  const names = pluginPackageDirs().map((d) => readPluginPackage(d)!.name);
  for (const n of ['@biaflow/plugin-postproc', '@biaflow/plugin-semantic', '@biaflow/plugin-instance', '@biaflow/plugin-detection', '@biaflow/plugin-classification', '@biaflow/engine-onnx', 'biaflow-plugin-drop-border']) {
    expect(names).toContain(n);
  }
});

test.each(pluginPackageDirs().map((d) => [path.relative(repo, d), d]))('%s: the manifest equals what apply() registers', async (_rel, dir) => {
  const pkg = readPluginPackage(dir)!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(dir);
  const candidate = exported.default ?? exported;
  const plugin = (typeof candidate === 'function' ? candidate() : candidate) as BiaflowPlugin;
  expect(plugin.name).toBe(pkg.name);
  expect(plugin.version).toBe(pkg.version);
  const kernel = await createKernel();
  await kernel.use(plugin, pkg.name);
  // The check `biaflow plugins --check` makes (each difference in words), then the lists exactly, in order.
  expect(manifestDrift(pkg, kernel).map((d) => d.text)).toEqual([]);
  expect(complete(pkg.manifest)).toEqual(registeredContributions(kernel, plugin.name));
});

test('biaflow plugins lists contributions from the manifests without running plugin code', () => {
  const project = tmpdir();
  const dir = path.join(project, 'node_modules', 'biaflow-plugin-spy');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'biaflow-plugin-spy', version: '2.3.4', main: 'index.js', description: 'a spy', keywords: ['biaflow-plugin'], peerDependencies: { '@biaflow/core': '^0.1.0' }, biaflow: { steps: ['spy_step'], readers: [{ name: 'spy', extensions: ['.spy'] }] } }),
  );
  fs.writeFileSync(path.join(dir, 'index.js'), `require('fs').writeFileSync(${JSON.stringify(path.join(project, 'LOADED'))}, 'yes');\nmodule.exports = { name: 'biaflow-plugin-spy', version: '2.3.4', core: '^0.1.0', apply() {} };\n`);
  const { stdout } = biaflow(['plugins'], project);
  expect(stdout).toMatch(/biaflow-plugin-spy\s+2\.3\.4\s+core \^0\.1\.0\s+a spy/);
  expect(stdout).toContain('post-processing steps: spy_step');
  expect(stdout).toContain('image readers: spy (.spy)');
  expect(stdout).toMatch(/@biaflow\/plugin-instance\s+\d+\.\d+\.\d+/);
  expect(stdout).toContain('workflows: instance (labels)');
  expect(fs.existsSync(path.join(project, 'LOADED'))).toBe(false);
});
