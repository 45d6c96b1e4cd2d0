import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, InputError, MAX_SETTINGS_FILE_BYTES, maxMegavoxelsFromSets } from '@biaflow/core/internals';
import { loadConfig } from 'biaflow';

/**
 * Sizes a config sets are checked when it is loaded, before any image, model or tensor exists: a
 * batch of patches against system.max_image_megavoxels, a tile's padding against the patch, the
 * cost-driving options of post-processing steps against their stated caps, the config file against
 * its size cap, and its YAML aliases against their expansion cap.
 */

const dirs: string[] = [];
function write(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-caps-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function issuesOf(config: string, sets: string[] = []): Promise<Record<string, string>> {
  const err = (await loadConfig({ configFile: write('c.yaml', config), sets }).catch((e) => e)) as ConfigError;
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.exitCode).toBe(2);
  return Object.fromEntries(err.issues.map((i) => [i.path, i.message]));
}

describe('patch and tile sizes against system.max_image_megavoxels', () => {
  test('a patch of 1e9 × 1e9 is refused naming data.patch_size, the value, the batch, the cap and the --set that raises it', async () => {
    const issues = await issuesOf('problem: {type: semantic}\n', ['data.patch_size=[1000000000,1000000000]']);
    expect(issues['data.patch_size']).toBe(
      '[1000000000, 1000000000] in batches of 4 (train.batch_size) is 4000000000000 megavoxels per batch, more than the limit of 2048 (system.max_image_megavoxels); refused before anything is allocated: give a smaller patch or batch, or raise the limit if a batch is meant to be this large (--set system.max_image_megavoxels=4000000000000)',
    );
  });

  test('the larger batch counts (training or prediction), and channels multiply the samples', async () => {
    // 1000 × 1000 × 3 channels × 8 = 24 megavoxels.
    const config = 'problem: {type: semantic}\ndata: {patch_size: [1000, 1000], channels: 3}\ntrain: {batch_size: 8}\n';
    const issues = await issuesOf(config, ['system.max_image_megavoxels=20']);
    expect(issues['data.patch_size']).toMatch(/^\[1000, 1000\] × 3 channels \(data\.channels\) in batches of 8 \(train\.batch_size\) is 24 megavoxels per batch, more than the limit of 20 /);
    // Within the cap, or with the cap raised, the same config loads.
    const { config: loaded } = await loadConfig({ configFile: write('c.yaml', config), sets: ['system.max_image_megavoxels=24'] });
    expect(loaded.data.patch_size).toEqual([1000, 1000]);
    // Without training, only the prediction batch (4) counts: 12 megavoxels.
    await expect(loadConfig({ configFile: write('c.yaml', config), sets: ['system.max_image_megavoxels=20', 'train.enabled=false'] })).resolves.toBeDefined();
  });

  test('predict.padding must leave part of the tile: less than half the smallest patch side', async () => {
    const issues = await issuesOf('problem: {type: semantic}\ndata: {patch_size: [64, 128]}\npredict: {padding: 32}\n');
    expect(issues['predict.padding']).toBe(
      'is 32, but a tile of data.patch_size [64, 128] keeps patch − 2·padding pixels, which must be at least 1: give less than half the smallest patch side (at most 31)',
    );
  });

  test('predict.overlap is at most 0.9: the tiles per image grow as 1/(1 − overlap) per axis', async () => {
    const issues = await issuesOf('problem: {type: semantic}\n', ['predict.overlap=0.99']);
    expect(issues['predict.overlap']).toMatch(/^is more than 0\.9, biaflow's cap .*: use a smaller overlap \(got 0\.99\)$/);
    await expect(loadConfig({ configFile: write('c.yaml', 'problem: {type: semantic}\npredict: {overlap: 0.9}\n') })).resolves.toBeDefined();
  });

  test('maxMegavoxelsFromSets reads the cap the run will have from --set, for what is read before the config exists', () => {
    expect(maxMegavoxelsFromSets([])).toBeUndefined();
    expect(maxMegavoxelsFromSets(['system.max_image_megavoxels=10', 'train.epochs=3'])).toBe(10);
    expect(maxMegavoxelsFromSets(['system={max_image_megavoxels: 7}', 'system.max_image_megavoxels=9'])).toBe(9);
    // A value the config validation refuses is left to it.
    expect(maxMegavoxelsFromSets(['system.max_image_megavoxels=-1'])).toBeUndefined();
  });
});

describe('post-processing options that drive cost have caps', () => {
  test('a median filter window of 501 is refused naming the key, the value and the cap', async () => {
    const issues = await issuesOf('problem: {type: semantic}\npostprocess: [{method: median_filter, size: 501}]\n');
    expect(issues['postprocess[0].size']).toBe(
      "is more than 31, biaflow's cap on a median window side (the cost grows with the window's volume): use a smaller window (got 501)",
    );
    const perAxis = await issuesOf('problem: {type: semantic}\npostprocess: [{method: median_filter, size: [3, 32]}]\n');
    expect(perAxis['postprocess[0].size[1]']).toMatch(/^is more than 31/);
    await expect(loadConfig({ configFile: write('c.yaml', 'problem: {type: semantic}\npostprocess: [{method: median_filter, size: 31}]\n') })).resolves.toBeDefined();
  });

  test('min_distance of peak_local_max and detect_points is at most 100', async () => {
    const issues = await issuesOf('problem: {type: detection}\npostprocess: [{method: peak_local_max, min_distance: 101}, {method: detect_points, min_distance: 5000}]\n');
    expect(issues['postprocess[0].min_distance']).toMatch(/^is more than 100, biaflow's cap on min_distance .*\(got 101\)$/);
    expect(issues['postprocess[1].min_distance']).toMatch(/^is more than 100, biaflow's cap on min_distance .*\(got 5000\)$/);
  });
});

describe('config files', () => {
  test('a config over 1 MiB is refused before it is parsed, naming the file, its size and the cap', async () => {
    const file = write('biaflow.config.yaml', `problem: {type: semantic}\n# ${'x'.repeat(MAX_SETTINGS_FILE_BYTES)}\n`);
    const size = fs.statSync(file).size;
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`${file}: is 1.0 MiB (${size} bytes), more than the 1 MiB (1048576 bytes) biaflow reads of a config; refused before parsing it`);
    // Found by searching, the same.
    const searched = (await loadConfig({ cwd: path.dirname(file) }).catch((e) => e)) as InputError;
    expect(searched.message).toContain(`${file}: is 1.0 MiB`);
  });

  test('YAML aliases that expand like a "billion laughs" are refused, naming the file', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const file = write('bomb.yaml', `${lines.join('\n')}\n`);
    const err = (await loadConfig({ configFile: file }).catch((e) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(new RegExp(`^invalid configuration in ${file.replace(/[.]/g, '\\.')}:\\n  - YAML aliases cannot be expanded: .*\\(biaflow expands at most 100, weighted by their size\\)$`));
  });
});
