import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseImages, factsFromLog, inputInWindow, labelsInWindow, overlayPictureName, pointsInWindow, readTrainingLog, reportWindow } from '@biaflow/report';

// The parts of the run report core computes itself: which images, which window of them, the input
// scaled to 8 bits, and what it reads back from a run folder. Expected values are worked out by hand.

const f1 = { imageFigure: { key: 'm.f1', label: 'F1' } };
const row = (image: string, v: unknown) => ({ image, m: { f1: v } });

describe('chooseImages', () => {
  test('the two worst first (lowest), then the two best (highest first); unscored rows left out', () => {
    const metrics = { overall: {}, per_image: [row('a', 0.5), row('b', 0.1), row('c', null), row('d', 0.9), row('e', 0.3), row('f', 0.7)] };
    expect(chooseImages(f1, metrics, [])).toEqual([
      { name: 'b', role: 'worst', value: 0.1 },
      { name: 'e', role: 'worst', value: 0.3 },
      { name: 'd', role: 'best', value: 0.9 },
      { name: 'f', role: 'best', value: 0.7 },
    ]);
  });

  test('lower is better turns the ranking round; 3 images give one of each end; 1 image is the only one', () => {
    const lower = { imageFigure: { key: 'm.f1', label: 'error', higherIsBetter: false } };
    const metrics = { overall: {}, per_image: [row('a', 0.5), row('b', 0.1), row('c', 0.9)] };
    expect(chooseImages(lower, metrics, [])).toEqual([
      { name: 'c', role: 'worst', value: 0.9 },
      { name: 'b', role: 'best', value: 0.1 },
    ]);
    expect(chooseImages(f1, { overall: {}, per_image: [row('a', 0.5)] }, [])).toEqual([{ name: 'a', role: 'only image', value: 0.5 }]);
  });

  test('an image figure of booleans ranks wrong (0) before right (1); without metrics, the first predictions', () => {
    const wf = { imageFigure: { key: 'correct', label: 'correct' } };
    const per_image = [
      { image: 'x/1', correct: true },
      { image: 'x/2', correct: false },
      { image: 'y/3', correct: true },
      { image: 'y/4', correct: true },
    ];
    expect(chooseImages(wf, { overall: {}, per_image }, []).map((c) => [c.name, c.value])).toEqual([
      ['x/2', 0],
      ['x/1', 1],
      ['y/4', 1],
      ['y/3', 1],
    ]);
    expect(chooseImages(f1, undefined, ['p.tif', 'q.tif'])).toEqual([
      { name: 'p.tif', role: 'example', value: null },
      { name: 'q.tif', role: 'example', value: null },
    ]);
  });
});

describe('the window of an image', () => {
  test('a 3D image shows the plane with the most ground truth; large images are cropped around the centre', () => {
    const labels = new Uint8Array(4 * 3 * 3);
    labels[2 * 9 + 4] = 1; // plane 2: 2 pixels
    labels[2 * 9 + 5] = 1;
    labels[1 * 9 + 0] = 1; // plane 1: 1 pixel
    expect(reportWindow([4, 3, 3], { data: labels, shape: [4, 3, 3] })).toEqual({ plane: 2, y0: 0, x0: 0, height: 3, width: 3 });
    expect(reportWindow([4, 3, 3])).toEqual({ plane: 2, y0: 0, x0: 0, height: 3, width: 3 }); // the middle plane
    expect(reportWindow([600, 1000])).toEqual({ y0: 44, x0: 244, height: 512, width: 512 });
    const points = { ndim: 3 as const, coordinates: Float64Array.from([0.2, 1, 1, 0.4, 2, 2, 3, 0, 0]) };
    expect(reportWindow([4, 3, 3], null, points).plane).toBe(0);
  });

  test('labels and points through a window: the plane, the crop, points shifted, 3D points of other planes left out', () => {
    // 2 planes of 4×4, value = plane*100 + y*10 + x.
    const data = Uint16Array.from({ length: 32 }, (_, i) => Math.floor(i / 16) * 100 + Math.floor((i % 16) / 4) * 10 + (i % 4));
    const window = { plane: 1, y0: 1, x0: 2, height: 2, width: 2 };
    expect(Array.from(labelsInWindow({ data, shape: [2, 4, 4] }, window))).toEqual([112, 113, 122, 123]);
    // Kept: plane 1 and inside the 2×2 window once rounded (1.6 rounds to row 2, outside).
    const points = { ndim: 3 as const, coordinates: Float64Array.from([1, 1.25, 2.5, 0, 1, 2, 1.4, 2.25, 3.25, 1, 2.6, 3, 1, 0, 0]) };
    expect(pointsInWindow(points, window)).toEqual({ points: [[0.25, 0.5], [1.25, 1.25]], index: [0, 2] });
  });

  test('the input stretched between its 0.5th and 99.5th percentile; RGB keeps three channels, two channels show the first', () => {
    // 201 grey values 0..2000 in a 1×201 image: percentiles at 1 and 199 of the sorted values = 10 and 1990.
    const ramp = Float32Array.from({ length: 201 }, (_, i) => i * 10);
    const { pixels, channels } = inputInWindow({ data: ramp, shape: [1, 201, 1] }, { y0: 0, x0: 0, height: 1, width: 201 });
    expect(channels).toBe(1);
    expect(pixels[0]).toBe(0);
    expect(pixels[1]).toBe(0); // 10 → 0
    expect(pixels[100]).toBe(128); // (1000 - 10) / 1980 · 255 = 127.5 → 128
    expect(pixels[199]).toBe(255);
    expect(pixels[200]).toBe(255);
    const rgb = inputInWindow({ data: Uint8Array.from([0, 100, 200, 50, 60, 70]), shape: [1, 2, 3] }, { y0: 0, x0: 0, height: 1, width: 2 });
    expect(rgb.channels).toBe(3);
    // Percentiles over all six values: 0 and 200 → 255 / 200 per unit.
    expect(Array.from(rgb.pixels)).toEqual([0, 128, 255, 64, 77, 89]);
    const two = inputInWindow({ data: Uint8Array.from([0, 9, 100, 9]), shape: [1, 2, 2] }, { y0: 0, x0: 0, height: 1, width: 2 });
    expect([two.channels, ...two.pixels]).toEqual([1, 0, 255]);
  });
});

describe('what a rebuilt report reads from the run folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-report-unit-'));

  test('the facts of the last run in log.jsonl (not of a report command), a cut last line ignored', () => {
    const lines = [
      { event: 'run-start', command: 'train', argv: ['train', '--config', 'a.yaml'], versions: { '@biaflow/core': '0.1.0' }, time: 0 },
      { event: 'backend', backend: 'wasm', threads: 2 },
      { event: 'run-start', command: 'predict', argv: ['predict', '--out', 'r'], versions: { '@biaflow/core': '0.1.1', node: 'v20' }, time: 1000 },
      { event: 'backend', backend: 'tensorflow', threads: 8 },
      { event: 'run-start', command: 'report', argv: ['report', '--out', 'r'], versions: {}, time: 2000 },
      { event: 'backend', backend: 'cpu' },
    ];
    fs.writeFileSync(path.join(dir, 'log.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"event":"run-st`);
    expect(factsFromLog(dir)).toEqual({
      command: 'biaflow predict --out r',
      versions: { '@biaflow/core': '0.1.1', node: 'v20' },
      backend: { name: 'tensorflow', threads: null },
      started: '1970-01-01T00:00:01.000Z',
    });
    expect(factsFromLog(path.join(dir, 'none'))).toBeUndefined();
  });

  test('train_metrics.csv as numbers, empty cells null; no file, no rows', () => {
    fs.writeFileSync(path.join(dir, 'train_metrics.csv'), 'epoch,loss,val_loss,lr\n1,0.5,,0.001\n2,0.25,0.3,0.001\n');
    expect(readTrainingLog(dir)).toEqual([
      { epoch: 1, loss: 0.5, val_loss: null, lr: 0.001 },
      { epoch: 2, loss: 0.25, val_loss: 0.3, lr: 0.001 },
    ]);
    expect(readTrainingLog(path.join(dir, 'none'))).toEqual([]);
  });

  test('overlay picture names: the stem, class folders joined with _', () => {
    expect(overlayPictureName('a.ome.tif')).toBe('a-overlay.png');
    expect(overlayPictureName('WBC/cell 1.png')).toBe('WBC_cell 1-overlay.png');
    expect(overlayPictureName('spots.csv')).toBe('spots-overlay.png');
  });
});
