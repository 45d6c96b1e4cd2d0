import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from 'biaflow';
import { UsageError } from '@biaflow/core/internals';

const repo = path.resolve(__dirname, '../../..');

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-plugins-'));
}

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('plugin loading', () => {
  test('a relative path resolves from the config file folder and registers its method', async () => {
    const rel = path.relative(path.join(repo, 'examples'), path.join(repo, 'examples/plugin-drop-border'));
    const file = write(
      path.join(repo, 'examples', '.tmp-plugin-test.yaml'),
      `problem: {type: instance}\nplugins: [./${rel}]\npostprocess:\n  - {method: drop_border_objects, margin: 2}\n`,
    );
    try {
      const { kernel, config } = await loadConfig({ configFile: file, cwd: os.tmpdir() });
      expect(kernel.plugins.map((p) => p.name)).toContain('biaflow-plugin-drop-border');
      expect(config.postprocess).toEqual([{ method: 'drop_border_objects', margin: 2 }]);
    } finally {
      fs.rmSync(file);
    }
  });

  test('options of a registered step are validated with its schema', async () => {
    const file = write(
      path.join(repo, 'examples', '.tmp-plugin-test2.yaml'),
      'problem: {type: instance}\nplugins: [biaflow-plugin-drop-border]\npostprocess:\n  - {method: drop_border_objects, margn: 2}\n  - {method: drop_border_object}\n',
    );
    try {
      const err = await loadConfig({ configFile: file }).catch((e) => e);
      expect(err.message).toContain('postprocess[0].margn: unknown key (did you mean "margin"?)');
      expect(err.message).toContain('postprocess[1].method: unknown post-processing method "drop_border_object" (did you mean "drop_border_objects"?)');
    } finally {
      fs.rmSync(file);
    }
  });

  test('a missing package gets an install hint', async () => {
    const dir = tmpdir();
    const file = write(path.join(dir, 'c.yaml'), 'problem: {type: instance}\nplugins: [biaflow-plugin-nonexistent]\n');
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain(`cannot find plugin "biaflow-plugin-nonexistent" (looked from ${dir})`);
    expect(err.hint).toContain('npm i biaflow-plugin-nonexistent');
  });

  test('an install hint only for names of biaflow plugins; any other missing package is said not found where the config resolves from', async () => {
    const dir = tmpdir();
    for (const name of ['@acme/biaflow-plugin-cells', '@biaflow/plugin-extra']) {
      const file = write(path.join(dir, 'c.yaml'), `problem: {type: instance}\nplugins: ['${name}']\n`);
      const err = (await loadConfig({ configFile: file }).catch((e) => e)) as UsageError;
      expect(err.hint).toContain(`npm i ${name}`);
    }
    for (const name of ['left-pad-plugin', '@acme/cells', 'biaflowplugin-x']) {
      const file = write(path.join(dir, 'c.yaml'), `problem: {type: instance}\nplugins: ['${name}']\n`);
      const err = (await loadConfig({ configFile: file }).catch((e) => e)) as UsageError;
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toContain(`cannot find plugin "${name}": no package "${name}" where the config resolves from (${dir})`);
      expect(`${err.message} ${err.hint}`).not.toContain('npm i');
      expect(err.hint).toContain('check the name');
    }
  });

  test('a misspelt short name suggests the first-party plugin', async () => {
    const dir = tmpdir();
    const file = write(path.join(dir, 'c.yaml'), 'problem: {type: instance}\nplugins: [instanse]\n');
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as UsageError;
    expect(err.hint).toContain('did you mean "instance"?');
  });

  test('short names load first-party plugins', async () => {
    const dir = tmpdir();
    const file = write(path.join(dir, 'c.yaml'), 'problem: {type: semantic}\nplugins: [detection]\n');
    const { kernel } = await loadConfig({ configFile: file });
    expect(kernel.plugins.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@biaflow/plugin-detection', '@biaflow/plugin-semantic', '@biaflow/plugin-postproc']),
    );
  });

  test('a local plugin file for an incompatible core is refused naming both versions', async () => {
    const dir = tmpdir();
    write(
      path.join(dir, 'old-plugin.js'),
      "module.exports = { name: 'old-plugin', version: '0.9.0', core: '>=5.0.0', apply() {} };\n",
    );
    const file = write(path.join(dir, 'c.yaml'), 'problem: {type: instance}\nplugins: [./old-plugin.js]\n');
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as UsageError;
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/"old-plugin" 0\.9\.0 .*requires @biaflow\/core >=5\.0\.0, but @biaflow\/core 0\.1\.0 is running/);
  });

  test('a factory receives the options given with [name, options]', async () => {
    const dir = tmpdir();
    write(
      path.join(dir, 'factory.js'),
      "module.exports = (opts) => ({ name: 'factory-' + opts.suffix, version: '1.0.0', core: '*', apply() {} });\n",
    );
    const file = write(path.join(dir, 'c.yaml'), 'problem: {type: instance}\nplugins: [[./factory.js, {suffix: abc}]]\n');
    const { kernel } = await loadConfig({ configFile: file });
    expect(kernel.plugins.map((p) => p.name)).toContain('factory-abc');
  });

  test('a module that is not a plugin is refused', async () => {
    const dir = tmpdir();
    write(path.join(dir, 'nope.js'), 'module.exports = { hello: 1 };\n');
    const file = write(path.join(dir, 'c.yaml'), 'problem: {type: instance}\nplugins: [./nope.js]\n');
    await expect(loadConfig({ configFile: file })).rejects.toThrow('is not a biaflow plugin');
  });
});
