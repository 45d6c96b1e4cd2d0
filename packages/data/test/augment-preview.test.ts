import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readImage } from 'biaflow';
import { tempDir, writeTestImage } from './files';

const bin = path.resolve(__dirname, '../../biaflow/dist/bin.js');

function biaflow(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Two 24×24 training pairs: a bright bar and its 0/255 mask. */
function dataFolder(): string {
  const dir = tempDir('biaflow-preview-');
  for (const name of ['a', 'b']) {
    const img = new Uint8Array(24 * 24);
    const lab = new Uint8Array(24 * 24);
    for (let y = 0; y < 24; y++)
      for (let x = 0; x < 24; x++) {
        const fg = x >= 4 && x < 9;
        img[y * 24 + x] = fg ? 200 : 20 + y;
        lab[y * 24 + x] = fg ? 255 : 0;
      }
    writeTestImage(path.join(dir, 'images', `${name}.tif`), img, [24, 24]);
    writeTestImage(path.join(dir, 'labels', `${name}.png`), lab, [24, 24]);
  }
  return dir;
}

describe('biaflow augment-preview', () => {
  test('writes before/after PNGs (image beside label) and lists the augmentations applied', async () => {
    const dir = dataFolder();
    fs.writeFileSync(
      path.join(dir, 'cfg.yaml'),
      'problem: { type: semantic }\ndata:\n  train: { images: images, labels: labels }\n  patch_size: [16, 16]\n' +
        'augment:\n  flip: { probability: 1, axes: [x] }\n  rot90: { probability: 0 }\nsystem: { backend: cpu }\n',
    );
    const r = biaflow(['augment-preview', '--config', 'cfg.yaml', '--out', 'preview', '-n', '3', '--log-level', 'error'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = path.join(dir, 'preview');
    const pngs = fs.readdirSync(out).filter((f) => f.endsWith('.png')).sort();
    expect(pngs).toHaveLength(6);
    expect(fs.existsSync(path.join(out, 'split.json'))).toBe(true);
    const log = JSON.parse(fs.readFileSync(path.join(out, 'augment-preview.json'), 'utf8'));
    expect(log).toHaveLength(3);
    expect(log[0].augmentations).toEqual(['flip x']);

    const before = await readImage(path.join(out, log[0].before));
    const after = await readImage(path.join(out, log[0].after));
    expect(before.dtype).toBe('uint8');
    // 16 wide image + 4 px separator + 16 wide label.
    expect(before.shape).toEqual([16, 36]);
    // A flip along x: every row of the "after" image half is the mirrored "before" row, and so is the label half.
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++) {
        expect(after.data[y * 36 + x]).toBe(before.data[y * 36 + 15 - x]);
        expect(after.data[y * 36 + 20 + x]).toBe(before.data[y * 36 + 20 + 15 - x]);
      }
  });

  test('data problems stop the preview with the pre-training check report (exit 2)', () => {
    const dir = dataFolder();
    fs.rmSync(path.join(dir, 'labels', 'b.png'));
    fs.writeFileSync(path.join(dir, 'cfg.yaml'), 'problem: { type: semantic }\ndata:\n  train: { images: images, labels: labels }\n  patch_size: [16, 16]\nsystem: { backend: cpu }\n');
    const r = biaflow(['augment-preview', '--config', 'cfg.yaml', '--out', 'preview'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/b\.tif: has no label/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
