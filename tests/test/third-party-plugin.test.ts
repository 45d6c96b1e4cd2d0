import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readImage, writeImage } from 'biaflow';
import { handMadeRun } from './e2e-helpers';

const repo = path.resolve(__dirname, '../..');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');

/** A 48×48 probability map with three bright disks; the one at (3, 24) touches the top border. */
function probabilityMap(): Float32Array {
  const p = new Float32Array(48 * 48);
  const disks = [
    [3, 24],
    [20, 14],
    [30, 34],
  ];
  for (let y = 0; y < 48; y++) {
    for (let x = 0; x < 48; x++) {
      for (const [cy, cx] of disks) if ((y - cy) ** 2 + (x - cx) ** 2 <= 25) p[y * 48 + x] = 0.9;
    }
  }
  return p;
}

async function runWith(steps: string): Promise<Set<number>> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-thirdparty-'));
  // The plugin is named only in the run's config file, by its package name: a run folder's saved
  // config loads packages installed in the person's project (here the repository's workspace).
  handMadeRun(runDir, `problem: {type: instance}\nplugins: [biaflow-plugin-drop-border]\npostprocess: ${steps}\n`);
  await writeImage(path.join(runDir, 'probabilities/cells.tif'), { data: probabilityMap(), shape: [48, 48] });
  const r = spawnSync(process.execPath, [bin, 'postprocess', '--out', runDir, '--log-level', 'warn'], { cwd: repo, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const labels = await readImage(path.join(runDir, 'predictions/cells.tif'));
  expect(labels.shape).toEqual([48, 48]);
  return new Set(labels.data);
}

test('the example third-party plugin, listed only in a config file, runs as a post-processing step', async () => {
  const without = await runWith('[{method: threshold, value: 0.5}, {method: label}]');
  expect(without).toEqual(new Set([0, 1, 2, 3]));
  const withPlugin = await runWith('[{method: threshold, value: 0.5}, {method: label}, {method: drop_border_objects}]');
  // Object 1 (first in raster order) is the disk touching the border.
  expect(withPlugin).toEqual(new Set([0, 2, 3]));
});
