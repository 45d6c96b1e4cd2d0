import { z, type Kernel } from '@biaflow/core';
import { MEDIAN_MODES, medianFilter } from '@biaflow/image';
import { probabilitiesOf } from './prediction-parts';

/**
 * The largest window side: the filter sorts the window of every pixel, so its cost is the window's
 * volume times the image (a size of 501 costs 20 s on a 64×64 image). 31 is ten times the usual 3 to
 * 5 and bounds a 2D window to 961 samples per pixel; a config or a model's settings asking for more
 * is refused when it is loaded, naming the key.
 */
export const MAX_MEDIAN_SIZE = 31;

const windowSide = () =>
  z
    .number()
    .int()
    .positive()
    .max(MAX_MEDIAN_SIZE, { message: `is more than ${MAX_MEDIAN_SIZE}, biaflow's cap on a median window side (the cost grows with the window's volume): use a smaller window` });

export function registerMedianFilter(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'median_filter',
    kind: 'filter',
    takes: ['probabilities'],
    gives: ['probabilities'],
    description: 'Median filter of every probability channel (scipy\'s median_filter). Filter 3D outputs along z only with `size: [k, 1, 1]`.',
    options: z.strictObject({
      size: z
        .union([windowSide(), z.array(windowSide()).min(2).max(3)])
        .default(3)
        .describe(
          `Window size: one number for every spatial axis, or one per axis ([z,]y,x); at most ${MAX_MEDIAN_SIZE} per axis. The cost grows with the window's volume (size² per pixel in 2D, size³ per voxel in 3D).`,
        ),
      mode: z.enum(MEDIAN_MODES).default('reflect').describe('Border handling as scipy: reflect repeats the edge sample.'),
    }),
    run(prediction, options) {
      const p = probabilitiesOf('median_filter', prediction);
      const spatial = p.shape.slice(0, -1);
      const channels = p.shape[p.shape.length - 1];
      const out = new Float32Array(p.data.length);
      const n = p.data.length / channels;
      const plane = new Float32Array(n);
      for (let c = 0; c < channels; c++) {
        for (let i = 0, j = c; i < n; i++, j += channels) plane[i] = p.data[j];
        const filtered = medianFilter({ data: plane, shape: spatial }, { size: options.size, mode: options.mode });
        for (let i = 0, j = c; i < n; i++, j += channels) out[j] = filtered.data[i];
      }
      return { ...prediction, probabilities: { data: out, shape: [...p.shape] } };
    },
  });
}
