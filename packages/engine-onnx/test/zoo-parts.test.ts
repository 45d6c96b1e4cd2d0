import fs from 'node:fs';
import path from 'node:path';
import { readImage } from 'biaflow';
import { type BundleMeta } from '@biaflow/core';
import { channelIdentifiers, coverImage, encodePng, exportSection, spatialRules, testSize } from '@biaflow/engine-onnx';
import { tmpdir } from './helpers';

/** The pure parts of the zoo export: size rules, channel names, the export section, the cover PNG. */

const meta = (o: Partial<BundleMeta>) => ({ ndim: 2, size_divisor: [4, 4], patch_size: [256, 128], ...o }) as BundleMeta;

describe('size rules and halo', () => {
  test('segmentation: min is the smallest multiple of the size divisor that keeps a pixel inside the halo', () => {
    // Default halo: an eighth of the patch (256 → 32, 128 → 16).
    expect(spatialRules(meta({}), false)).toEqual([
      { id: 'y', size: { min: 68, step: 4 }, halo: 32 },
      { id: 'x', size: { min: 36, step: 4 }, halo: 16 },
    ]);
    for (const r of spatialRules(meta({}), false)) {
      const { min, step } = r.size as { min: number; step: number };
      expect(min % step).toBe(0);
      expect(min - 2 * r.halo).toBeGreaterThanOrEqual(1);
      expect(min - step - 2 * r.halo).toBeLessThan(1);
    }
    // The training config's predict.padding wins over the default; an explicit halo over both.
    expect(spatialRules(meta({}), false, { padding: 8 }).map((r) => r.halo)).toEqual([8, 8]);
    expect(spatialRules(meta({}), false, { padding: 8, halo: [2, 0] }).map((r) => [r.halo, r.size])).toEqual([
      [2, { min: 8, step: 4 }],
      [0, { min: 4, step: 4 }],
    ]);
    expect(spatialRules(meta({ ndim: 3, size_divisor: [1, 4, 4], patch_size: [8, 64, 64] }), false).map((r) => r.id)).toEqual(['z', 'y', 'x']);
  });

  test('classifiers take their training patch, fixed, without halo', () => {
    expect(spatialRules(meta({ size_divisor: [1, 1], patch_size: [48, 40] }), true)).toEqual([
      { id: 'y', size: 48, halo: 0 },
      { id: 'x', size: 40, halo: 0 },
    ]);
    expect(() => spatialRules(meta({ patch_size: null }), true)).toThrow(/patch_size/);
  });

  test('test tensor sizes: the largest valid size within the image and the cap, else the smallest valid size', () => {
    expect(testSize({ min: 10, step: 4 }, 64, 256)).toBe(62);
    expect(testSize({ min: 10, step: 4 }, 1000, 256)).toBe(254);
    expect(testSize({ min: 10, step: 4 }, 7, 256)).toBe(10);
    expect(testSize(48, 64, 256)).toBe(48);
  });
});

test('channel names become Python identifiers the zoo accepts, unique, never keywords', () => {
  expect(channelIdentifiers(['foreground', 'contour'], 2)).toEqual(['foreground', 'contour']);
  expect(channelIdentifiers(['Red blood cell', '1st', 'class', 'a-b', 'a_b'], 5)).toEqual(['Red_blood_cell', 'c1st', 'class_', 'a_b', 'a_b_2']);
  expect(channelIdentifiers([], 3)).toEqual(['channel0', 'channel1', 'channel2']);
});

describe('the export: config section', () => {
  test('defaults: MIT, no authors, no citation', () => {
    expect(exportSection.parse({})).toEqual({ authors: [], license: 'MIT', cite: [], tags: [] });
  });

  test('checks ORCID check digits, SPDX identifiers, DOIs and names as the zoo does', () => {
    const ok = exportSection.safeParse({ name: 'Nuclei (DSB 2018) U-Net', authors: [{ name: 'A', orcid: '0000-0002-1825-0097' }], license: 'CC-BY-4.0', cite: [{ text: 't', doi: '10.1038/s41592-019-0612-7' }] });
    expect(ok.success).toBe(true);
    const bad = exportSection.safeParse({ name: 'a/b', authors: [{ name: 'A', orcid: '0000-0002-1825-0098' }], license: 'MTI', cite: [{ text: 't', doi: 'doi.org/10.1' }, { text: 'no link' }] });
    expect(bad.success).toBe(false);
    const issues = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: may only hold/),
        expect.stringMatching(/^authors\.0\.orcid: is not a valid ORCID iD/),
        expect.stringMatching(/^license: is not an SPDX licence identifier/),
        expect.stringMatching(/^cite\.0\.doi: must be a DOI/),
        expect.stringMatching(/^cite\.1: needs a doi or a url/),
      ]),
    );
  });
});

test('the cover is a PNG that core reads back pixel for pixel: input beside output, 2:1', async () => {
  // A 3×4 input ramp and a one-channel probability output, enlarged to 6 rows.
  const input = { data: Float32Array.from({ length: 12 }, (_, i) => i), shape: [3, 4, 1] };
  const output = { data: Float32Array.from({ length: 12 }, (_, i) => (i % 2 ? 1 : 0)), shape: [3, 4, 1] };
  const cover = coverImage(input, output, { ndim: 2, activation: 'sigmoid', classifier: false, height: 6 });
  expect([cover.width, cover.height]).toEqual([16, 6]);
  const file = path.join(tmpdir('biaflow-cover-'), 'cover.png');
  fs.writeFileSync(file, encodePng(cover));
  const back = await readImage(file);
  expect(back.shape).toEqual([6, 16, 3]);
  expect(Array.from(back.data)).toEqual(Array.from(cover.rgb));
  // Right half: the output, white where the probability is 1, black where it is 0 (rows 0–1 are input row 0).
  const px = (y: number, x: number) => Array.from(cover.rgb.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3));
  expect(px(0, 8)).toEqual([0, 0, 0]);
  expect(px(0, 10)).toEqual([255, 255, 255]);
  // Left half: the ramp, darkest at the start, brightest at the end.
  expect(px(0, 0)[0]).toBe(0);
  expect(px(5, 7)[0]).toBe(255);
});
