import path from 'node:path';
import { loadConfig } from 'biaflow';
import { prepareData } from '@biaflow/data';
import { silentLogger, Tokens, type DataIO, type RandomSource, type RunContext, type Sample } from '@biaflow/core/internals';
import { instanceTargets } from '@biaflow/plugin-instance';

/**
 * The workflow's preprocess tap, driven by core's batch builder on a real anisotropic volume: each
 * sample carries the voxel size of its image file, and the D channel is measured with it.
 */
const data = path.resolve(__dirname, '../../../tests/fixtures/real/nuclei3d');

async function batchSamples(extra: Record<string, unknown> = {}): Promise<Sample[]> {
  const { config, kernel } = await loadConfig({
    inline: {
      problem: { type: 'instance', ndim: 3 },
      data: { train: { images: `${data}/train/images`, labels: `${data}/train/labels` }, patch_size: [8, 16, 16] },
      train: { batch_size: 2 },
      augment: { enabled: false },
      instance: { channels: 'BCD', ...extra },
    },
  });
  const seen: Sample[] = [];
  // After the workflow's tap (stage 0): sees the sample with its target.
  kernel.hooks.preprocess.for('instance').tapPromise({ name: 'spy', stage: 10 }, async (sample) => {
    seen.push(sample);
    return sample;
  });
  const run = { config, kernel, container: kernel.runContainer(config), logger: silentLogger() } as unknown as RunContext;
  const workflow = kernel.workflow('instance');
  const prepared = await prepareData({ config, layout: workflow.data, io: run.container.resolve<DataIO>(Tokens.DataIO), random: run.container.resolve<RandomSource>(Tokens.Random), hooks: { hooks: kernel.hooks, event: { run }, workflow: 'instance' } });
  const batch = await prepared.training.batch(0, 0);
  expect(batch.y.shape).toEqual([2, 8, 16, 16, 3]);
  return seen;
}

test('training samples carry their file\'s voxel size and get B/C/D targets measured with it', async () => {
  const samples = await batchSamples();
  expect(samples).toHaveLength(2);
  for (const s of samples) {
    expect(s.spacing).toHaveLength(3);
    expect(s.spacing![0]).toBeCloseTo(0.284, 5);
    expect(s.spacing![1]).toBeCloseTo(0.127, 5);
    const anisotropic = instanceTargets(s.label!, { channels: 'BCD', spacing: s.spacing });
    expect(s.target!.shape).toEqual([8, 16, 16, 3]);
    expect(Array.from(s.target!.data)).toEqual(Array.from(anisotropic.data));
  }
  // The voxel size matters: isotropic distances differ on these nuclei.
  const s = samples.find((x) => (x.label!.data as Uint16Array).some((v) => v !== 0))!;
  const isotropic = instanceTargets(s.label!, { channels: 'BCD' });
  expect(Array.from(s.target!.data)).not.toEqual(Array.from(isotropic.data));
});

test('instance.spacing overrides the files\' voxel size', async () => {
  const samples = await batchSamples({ spacing: [1, 1, 1] });
  expect(samples.some((x) => (x.label!.data as Uint16Array).some((v) => v !== 0))).toBe(true);
  for (const s of samples) expect(Array.from(s.target!.data)).toEqual(Array.from(instanceTargets(s.label!, { channels: 'BCD' }).data));
});
