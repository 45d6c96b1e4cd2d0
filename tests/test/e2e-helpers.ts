import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readImage } from 'biaflow';
import { type Image } from '@biaflow/core';

/** Shared by the end-to-end tests that run the CLI (instance-2d / instance-3d / semantic-workflow / resume-prediction). */

export const repo = path.resolve(__dirname, '../..');
export const fixtures = path.join(repo, 'tests/fixtures/real');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');

/** A new temporary folder, as its real path (macOS's /var is a link): the path biaflow names a run folder by. */
export function tmpdir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-e2e-')));
}

/**
 * A run folder made by hand (a test's shortcut past training): `config.yaml` with the first line
 * biaflow writes into every config it saves, and a run's `log.jsonl` — what makes a folder a run's
 * (docs/outputs.md). A config.yaml without that line is a person's own, and the folder no run.
 */
export function handMadeRun(dir: string, config: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.yaml'), `# resolved by @biaflow/core (made by hand in a test)\n${config}`);
  fs.writeFileSync(path.join(dir, 'log.jsonl'), `${JSON.stringify({ level: 30, time: Date.now(), event: 'run-start', msg: 'made by hand in a test' })}\n`);
}

/** Run the real CLI in a child process; fail with its output when it does not exit 0. */
export function biaflow(args: string[], cwd: string, expectCode = 0): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  if (r.status !== expectCode) throw new Error(`biaflow ${args.join(' ')} exited ${r.status} (expected ${expectCode}):\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

export const MATCHING_FIELDS = [
  'tp',
  'fp',
  'fn',
  'precision',
  'recall',
  'accuracy',
  'f1',
  'mean_true_score',
  'mean_matched_score',
  'panoptic_quality',
  'n_true',
  'n_pred',
].sort();

type Matching = Record<string, Record<string, number>>;
export interface InstanceMetrics {
  overall: { matching: Matching };
  per_image: { image: string; matching: Matching }[];
}

export function readMetrics(runDir: string): InstanceMetrics {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')) as InstanceMetrics;
}

/** The metrics.json contract of the instance workflow: every threshold, every StarDist field, numbers. */
export function expectMatchingReport(m: InstanceMetrics, images: string[]): void {
  const thresholds = ['0.3', '0.5', '0.75'];
  expect(Object.keys(m.overall.matching).sort()).toEqual(thresholds);
  for (const t of thresholds) {
    expect(Object.keys(m.overall.matching[t]).sort()).toEqual(MATCHING_FIELDS);
    for (const f of MATCHING_FIELDS) expect(typeof m.overall.matching[t][f]).toBe('number');
  }
  expect(m.per_image.map((r) => r.image)).toEqual(images);
  for (const row of m.per_image) {
    expect(Object.keys(row.matching).sort()).toEqual(thresholds);
    for (const t of thresholds) expect(Object.keys(row.matching[t]).sort()).toEqual(MATCHING_FIELDS);
  }
  // Pooled, not averaged: the overall counts are the sums of the per-image counts.
  for (const t of thresholds) {
    for (const f of ['tp', 'fp', 'fn', 'n_true', 'n_pred']) {
      expect(m.overall.matching[t][f]).toBe(m.per_image.reduce((a, r) => a + r.matching[t][f], 0));
    }
  }
}

export function readCsv(file: string): Record<string, string>[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  if (lines.length === 0) return [];
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
}

/** Voxel count per non-zero label. */
export function labelAreas(image: Image): Map<number, number> {
  const areas = new Map<number, number>();
  for (const v of image.data) if (v !== 0) areas.set(v, (areas.get(v) ?? 0) + 1);
  return areas;
}

/** objects.csv rows of one image must describe exactly the objects of its label image. */
export async function expectObjectsMatch(runDir: string, imageName: string, ndim: 2 | 3): Promise<number> {
  const stem = imageName.replace(/\.tiff?$/, '');
  const labels = await readImage(path.join(runDir, 'predictions', `${stem}.tif`));
  const rows = readCsv(path.join(runDir, 'objects.csv')).filter((r) => r.image === imageName);
  const areas = labelAreas(labels);
  expect(rows.length).toBe(areas.size);
  const axes = ndim === 3 ? ['z', 'y', 'x'] : ['y', 'x'];
  // Voxel size along [z,] y, x as the prediction carries it; the µm columns exist only when all are known.
  const spacing = axes.map((a) => labels.spacing[labels.axes.indexOf(a.toUpperCase())] ?? null);
  const known = spacing.every((s) => typeof s === 'number' && s > 0);
  for (const r of rows) {
    expect(Number(r.area)).toBe(areas.get(Number(r.label)));
    for (const [i, a] of axes.entries()) {
      const lo = Number(r[`bbox_${a}_min`]);
      const hi = Number(r[`bbox_${a}_max`]);
      const c = Number(r[`centroid_${a}`]);
      expect(lo).toBeLessThanOrEqual(c);
      expect(c).toBeLessThan(hi);
      // napari's points layout: the centroid again as axis-i.
      expect(Number(r[`axis-${i}`])).toBe(c);
      if (known) expect(Number(r[`centroid_um-${i}`])).toBeCloseTo(c * (spacing[i] as number), 9);
      else expect(r[`centroid_um-${i}`]).toBeUndefined();
    }
    const size = ndim === 3 ? 'volume_um3' : 'area_um2';
    if (known) expect(Number(r[size])).toBeCloseTo(Number(r.area) * spacing.reduce((p: number, s) => p * (s as number), 1), 9);
    else expect(r[size]).toBeUndefined();
  }
  return rows.length;
}

/** A label image of zeros with the metadata of `like` (an empty prediction). */
export async function writeEmptyLike(like: string, file: string): Promise<void> {
  const { writeImage } = await import('@biaflow/io');
  const image = await readImage(like);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await writeImage(file, { data: new Uint16Array(image.data.length), shape: image.shape, axes: image.axes, spacing: image.spacing });
}
