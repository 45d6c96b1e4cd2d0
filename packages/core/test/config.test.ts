import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, UsageError } from '@biaflow/core/internals';
import { loadConfig } from 'biaflow';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-config-'));
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  test('fills defaults and resolves file paths from the config folder', async () => {
    const dir = tmpdir();
    // instance: the workflow whose plugin adds metrics.matching_thresholds to core's metrics section.
    const file = write(dir, 'conf/run.yaml', 'problem: {type: instance}\ndata:\n  train: {images: ../imgs, labels: lbl}\n');
    const { config, configPath } = await loadConfig({ configFile: file, cwd: '/' });
    expect(configPath).toBe(file);
    expect(config.data.train.images).toBe(path.join(dir, 'imgs'));
    expect(config.data.train.labels).toBe(path.join(dir, 'conf/lbl'));
    expect(config.train.epochs).toBe(100);
    expect(config.metrics.matching_thresholds).toEqual([0.3, 0.5, 0.75]);
    expect(config.data.patch_size).toEqual([256, 256]);
    expect(config.system.backend).toBe('auto');
  });

  test('--set values are YAML and their paths resolve from the working directory', async () => {
    const dir = tmpdir();
    const file = write(dir, 'c/run.yaml', 'problem: {type: instance, ndim: 3}\n');
    const cwd = tmpdir();
    const { config } = await loadConfig({
      configFile: file,
      cwd,
      sets: ['data.patch_size=[16,64,64]', 'train.epochs=7', 'data.test.images=here/imgs', 'metrics.matching_thresholds=[0.5]'],
    });
    expect(config.data.patch_size).toEqual([16, 64, 64]);
    expect(config.train.epochs).toBe(7);
    expect(config.data.test.images).toBe(path.join(cwd, 'here/imgs'));
    expect(config.metrics.matching_thresholds).toEqual([0.5]);
  });

  test('a misspelt section is an error naming the key and the suggestion', async () => {
    const dir = tmpdir();
    const file = write(dir, 'bad.yaml', 'problem: {type: instance}\ntrian:\n  epochs: 3\n');
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.issues).toEqual([expect.objectContaining({ path: 'trian', message: expect.stringContaining('did you mean "train"?') })]);
  });

  test('--set on an unknown key suggests the nearest one', async () => {
    const dir = tmpdir();
    const file = write(dir, 'ok.yaml', 'problem: {type: instance}\n');
    const err = (await loadConfig({ configFile: file, sets: ['train.epoch=3'] }).catch((e) => e)) as ConfigError;
    expect(err.issues[0].path).toBe('train.epoch');
    expect(err.issues[0].message).toContain('did you mean "epochs"?');
  });

  test('every problem is reported at once, with the bad value', async () => {
    const dir = tmpdir();
    const file = write(dir, 'bad.yaml', 'problem: {type: instanse, ndim: 4}\ntrain: {epochs: -1, lr: fast}\n');
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as ConfigError;
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i.message]));
    expect(byPath['problem.type']).toContain('(got "instanse") (did you mean "instance"?)');
    expect(byPath['problem.ndim']).toContain('got 4');
    expect(byPath['train.epochs']).toContain('got -1');
    expect(byPath['train.lr']).toContain('expected number (got "fast")');
  });

  test('a section of a plugin that is not loaded names the package', async () => {
    const dir = tmpdir();
    const file = write(dir, 'c.yaml', 'problem: {type: semantic}\ndetection: {radius: 3}\n');
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as ConfigError;
    expect(err.issues[0].message).toContain('@biaflow/plugin-detection');
  });

  test('YAML syntax errors name the file and the line', async () => {
    const dir = tmpdir();
    const file = write(dir, 'broken.yaml', 'problem:\n  type: instance\n  - oops\n');
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as ConfigError;
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/YAML: .*line 3/);
  });

  test('a missing config file is a usage error', async () => {
    await expect(loadConfig({ configFile: '/nonexistent/x.yaml' })).rejects.toBeInstanceOf(UsageError);
  });

  test('the config is found by searching upwards (cosmiconfig)', async () => {
    const dir = tmpdir();
    write(dir, 'package.json', '{"name":"proj"}');
    write(dir, 'biaflow.config.yaml', 'problem: {type: detection}\n');
    fs.mkdirSync(path.join(dir, 'sub/deeper'), { recursive: true });
    const { config, configPath } = await loadConfig({ cwd: path.join(dir, 'sub/deeper') });
    expect(configPath).toBe(path.join(dir, 'biaflow.config.yaml'));
    expect(config.problem.type).toBe('detection');
  });

  test('patch size must match ndim', async () => {
    const dir = tmpdir();
    const file = write(dir, 'c.yaml', 'problem: {type: semantic, ndim: 3}\ndata: {patch_size: [64, 64]}\n');
    await expect(loadConfig({ configFile: file })).rejects.toThrow('data.patch_size: has 2 values but problem.ndim is 3');
  });

  test('the workflow plugin of problem.type and post-processing load implicitly', async () => {
    const dir = tmpdir();
    const file = write(dir, 'c.yaml', 'problem: {type: classification}\n');
    const { kernel } = await loadConfig({ configFile: file });
    expect(kernel.plugins.map((p) => p.name).sort()).toEqual(['@biaflow/plugin-classification', '@biaflow/plugin-postproc']);
  });
});
