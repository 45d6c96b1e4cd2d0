import fs from 'node:fs';
import path from 'node:path';
import { readImage } from 'biaflow';
import { biaflow, fixtures, tmpdir } from './e2e-helpers';

/**
 * The model-format extension point, with a third-party format that is not the zoo's: core hands a
 * model that is no bundle to the format that recognizes it (`predict --model`, `model.load`), a
 * `network` source predicts whole images itself (`predictImage`) and is refused for fine-tuning with
 * the format's reason; a model no loaded format reads exits 2 naming it.
 */
const dir = tmpdir();
const images = path.join(fixtures, 'em2d/test/images');

/** `.fake` models: a text file holding a threshold; the "network" marks pixels above it (0.9) and below it (0.1). */
const FORMAT_PLUGIN = `
const fs = require('fs');
module.exports = {
  name: 'biaflow-format-fake', version: '1.0.0', core: '^0.1.0',
  apply(kernel) {
    kernel.registerModelFormat({
      name: 'fake',
      description: 'a threshold in a text file',
      recognizes: (target) => target.endsWith('.fake'),
      async read(target) {
        const threshold = Number(fs.readFileSync(target, 'utf8'));
        const meta = {
          format: 'biaflow-model', format_version: 1, architecture: 'fake', model: null, ndim: 2, axes: 'YXC',
          input_channels: 1, output_channels: 1, output_activation: 'sigmoid', channels: ['foreground'], input_channel_names: [],
          size_divisor: [1, 1], patch_size: null, problem: 'semantic', normalization: null,
          config: { problem: { type: 'semantic', ndim: 2 } }, training: null, versions: {}, created: '2026-01-01T00:00:00Z',
        };
        return {
          kind: 'network', meta, untrainable: 'a .fake model is a threshold, not weights',
          async open() {
            return {
              meta, dir: target, engine: 'fake',
              predict: async (batch) => batch,
              predictImage: async (image) => ({ data: Float32Array.from(image.data, (v) => (v > threshold ? 0.9 : 0.1)), shape: [...image.shape.slice(0, -1), 1] }),
              dispose() {},
            };
          },
        };
      },
    });
  },
};
`;

beforeAll(() => {
  fs.writeFileSync(path.join(dir, 'fake-format.js'), FORMAT_PLUGIN);
  fs.writeFileSync(path.join(dir, 'model.fake'), '100');
});

test('predict --model: a model of a plugin format predicts through that format', async () => {
  biaflow(['predict', '--plugin', './fake-format.js', '--model', 'model.fake', '--input', images, '--out', 'run', '--log-level', 'warn'], dir);
  const names = fs.readdirSync(images);
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    const image = await readImage(path.join(images, name));
    const stem = path.parse(name).name;
    const labels = await readImage(path.join(dir, 'run/predictions', `${stem}.tif`));
    // semantic_classes thresholds the "network output" at 0.5: class 1 exactly where the pixel is above 100.
    expect(Array.from(labels.data as ArrayLike<number>)).toEqual(Array.from(image.data as ArrayLike<number>, (v) => (v > 100 ? 1 : 0)));
  }
});

test('model.load: a network source is refused for training, before any work, with the format\'s reason', () => {
  fs.writeFileSync(
    path.join(dir, 'train.yaml'),
    `problem: { type: semantic, ndim: 2 }
data:
  train: { images: ${fixtures}/em2d/train/images, labels: ${fixtures}/em2d/train/labels }
  patch_size: [32, 32]
model: { feature_maps: [8, 16], load: model.fake }
train: { epochs: 1, steps_per_epoch: 1 }
`,
  );
  const { stderr } = biaflow(['train', '--plugin', './fake-format.js', '--config', 'train.yaml', '--out', 'train-run', '--log-level', 'warn'], dir, 2);
  expect(stderr).toContain('model.load');
  expect(stderr).toContain(`${path.join(dir, 'model.fake')} cannot be fine-tuned: a .fake model is a threshold, not weights`);
  expect(fs.existsSync(path.join(dir, 'train-run/split.json'))).toBe(false);
});

test('a model no loaded format reads exits 2 naming the file and the formats', () => {
  const { stderr } = biaflow(['predict', '--model', 'model.fake', '--input', images, '--out', 'run-2', '--log-level', 'warn'], dir, 2);
  expect(stderr).toContain(path.join(dir, 'model.fake'));
  expect(stderr).toContain('is not a model of a format the loaded plugins read');
  expect(stderr).not.toMatch(/\n\s+at /);
});
