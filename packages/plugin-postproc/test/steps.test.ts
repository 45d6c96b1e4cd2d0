import { Kernel, silentLogger, type Prediction, type RunContext } from '@biaflow/core';
import postprocPlugin from '@biaflow/plugin-postproc';

// The plugin's `postprocess:` steps, driven the way the pipeline drives them: options parsed with the
// step's own schema (defaults filled in), then run on a Prediction.

const event = { run: { logger: silentLogger() } as unknown as RunContext };

async function steps() {
  const kernel = new Kernel();
  await kernel.use(postprocPlugin());
  return kernel.postprocessMethods;
}

async function runStep(name: string, prediction: Prediction, options: Record<string, unknown> = {}): Promise<Prediction> {
  const method = (await steps()).get(name)!;
  return method.run(prediction, method.options.parse(options), event);
}

/** A 2D prediction whose single probability channel is `rows`. */
function prediction(rows: number[][], extra: Partial<Prediction> = {}): Prediction {
  const shape = [rows.length, rows[0].length];
  return {
    name: 'cells.tif',
    source: { shape, axes: 'YX', spacing: [1, 1], dtype: 'uint8' },
    probabilities: { data: Float32Array.from(rows.flat()), shape: [...shape, 1] },
    ...extra,
  };
}

test('every step registers under its snake_case name', async () => {
  expect([...(await steps()).keys()].sort()).toEqual([
    'clear_border',
    'fill_holes',
    'label',
    'median_filter',
    'peak_local_max',
    'remove_small_objects',
    'suppress_close_points',
    'threshold',
    'voronoi',
  ]);
});

test('options are strict and have defaults', async () => {
  const method = (await steps()).get('remove_small_objects')!;
  expect(method.options.parse({})).toEqual({ min_size: 10 });
  expect(method.options.safeParse({ minSize: 3 }).success).toBe(false);
});

test('threshold, then label: a probability map becomes numbered objects', async () => {
  const p = prediction([
    [0.9, 0.8, 0.1, 0.7],
    [0.1, 0.2, 0.1, 0.9],
  ]);
  const mask = await runStep('threshold', p, { value: 0.5 });
  expect(Array.from(mask.labels!.data)).toEqual([1, 1, 0, 1, 0, 0, 0, 1]);
  const objects = await runStep('label', mask, { connectivity: 1 });
  expect(Array.from(objects.labels!.data)).toEqual([1, 1, 0, 2, 0, 0, 0, 2]);
  const auto = await runStep('threshold', p, { value: 'auto' });
  expect(Array.from(auto.labels!.data)).toEqual([1, 1, 0, 1, 0, 0, 0, 1]);
});

test('a step that needs labels names the image when there are none', async () => {
  await expect(runStep('remove_small_objects', prediction([[0.5]]))).rejects.toThrow(/works on labels, but cells.tif has none yet/);
  await expect(runStep('threshold', prediction([[0.5]]), { channel: 2 })).rejects.toThrow(/channel 2 does not exist in cells.tif/);
});

test('voronoi grows labels over the thresholded foreground', async () => {
  const p = prediction([[0.9, 0.9, 0.9, 0.9, 0.1]], { labels: { data: Int32Array.from([1, 0, 0, 2, 0]), shape: [1, 5] } });
  const grown = await runStep('voronoi', p, { threshold: 0.5 });
  expect(Array.from(grown.labels!.data)).toEqual([1, 1, 2, 2, 0]);
});

test('median_filter filters each channel, along z only with size [k,1,1]', async () => {
  const data = Float32Array.from([0, 1, 9, 1, 0, 5]); // [z=3, y=1, x=1, c=2]: channel 0 is 0 9 0, channel 1 is 1 1 5
  const p: Prediction = { name: 'v.tif', source: { shape: [3, 1, 1], axes: 'ZYX', spacing: [1, 1, 1], dtype: 'uint8' }, probabilities: { data, shape: [3, 1, 1, 2] } };
  const out = await runStep('median_filter', p, { size: [3, 1, 1] });
  expect(Array.from(out.probabilities!.data)).toEqual([0, 1, 0, 1, 0, 5]);
});

test('peak_local_max then suppress_close_points: points with scores, the higher one kept', async () => {
  const rows = [
    [0, 0, 0, 0, 0, 0],
    [0, 0.9, 0, 0.8, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ];
  const withPoints = await runStep('peak_local_max', prediction(rows), { threshold: 0.5 });
  expect(Array.from(withPoints.points!.coordinates)).toEqual([1, 1, 1, 3]);
  expect(Array.from(withPoints.points!.scores!)).toEqual([Math.fround(0.9), Math.fround(0.8)]);
  const kept = await runStep('suppress_close_points', withPoints, { radius: 2 });
  expect(Array.from(kept.points!.coordinates)).toEqual([1, 1]);
});

test('fill_holes, clear_border', async () => {
  const ring = Int32Array.from([0, 0, 0, 0, 0, 0, 3, 3, 3, 0, 0, 3, 0, 3, 0, 0, 3, 3, 3, 0, 0, 0, 0, 0, 4]);
  const p = prediction([[0]], { labels: { data: ring, shape: [5, 5] } });
  const filled = await runStep('fill_holes', p);
  expect(filled.labels!.data[12]).toBe(3);
  const cleared = await runStep('clear_border', filled);
  expect(Array.from(new Set(cleared.labels!.data)).sort()).toEqual([0, 3]);
});
