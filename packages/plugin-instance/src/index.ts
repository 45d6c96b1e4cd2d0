import {
  ConfigError,
  definePlugin,
  InputError,
  predictNetwork,
  trainNetwork,
  type BiaflowPlugin,
  type LoadedModel,
  type ResolvedConfig,
} from '@biaflow/core';
import { CHANNEL_NAMES, channelCodes } from './channels';
import { registerDecodeStep } from './decode-step';
import { evaluateInstances } from './evaluate';
import { instanceSection, instanceSettings, type InstanceSettings } from './instance-config';
import { objectRows } from './objects-table';
import { instanceTargets } from './targets';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { CHANNEL_SETS, CHANNEL_NAMES, channelCodes, channelIndex, type ChannelSet, type ChannelCode } from './channels';
export { instanceSection, instanceSettings, type InstanceSettings } from './instance-config';
export { instanceTargets, type InstanceTargetOptions } from './targets';
export { normalizedObjectDistance } from './object-distance';
export { decodeInstances, relabelSequential, type DecodeOptions, type DecodedInstances, type UsedThresholds, type Threshold } from './decode';
export { DECODE_METHOD, type DecodeStepOptions } from './decode-step';
export { objectRows, type ObjectRow } from './objects-table';
export { evaluateInstances } from './evaluate';

/** Settings per resolved config, parsed once (the preprocess tap runs for every training sample). */
const settingsCache = new WeakMap<ResolvedConfig, InstanceSettings>();
function settingsOf(config: ResolvedConfig): InstanceSettings {
  let s = settingsCache.get(config);
  if (!s) {
    s = instanceSettings(config);
    if (s.spacing && s.spacing.length !== config.problem.ndim) {
      throw new ConfigError([{ path: 'instance.spacing', message: `has ${s.spacing.length} values but problem.ndim is ${config.problem.ndim}` }]);
    }
    settingsCache.set(config, s);
  }
  return s;
}

/**
 * The instance workflow: instance labels → B/C/D targets, a sigmoid U-Net trained on them, its
 * output decoded by marker-controlled watershed (`instance_watershed`, the default decoding), one
 * `objects.csv` row per object, and StarDist's matching statistics as metrics.
 */
export const instancePlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      kernel.registerConfigSection('instance', instanceSection);
      registerDecodeStep(kernel);

      kernel.hooks.preprocess.for('instance').tapPromise(pkg.name, async (sample, { run }) => {
        const label = sample.label;
        if (!label) throw new InputError(`${sample.name}: the instance workflow needs a label image to train on`);
        const ndim = run.config.problem.ndim;
        const spatial = label.shape.length > ndim ? { data: label.data, shape: label.shape.slice(0, ndim) } : label;
        const s = settingsOf(run.config);
        const target = instanceTargets(spatial, { channels: s.channels, contourMode: s.contour_mode, spacing: s.spacing ?? sample.spacing });
        return { ...sample, target };
      });

      kernel.hooks.train.for('instance').tapPromise(pkg.name, ({ run }) => {
        const s = settingsOf(run.config);
        const codes = channelCodes(s.channels);
        return trainNetwork(run, {
          head: { outputChannels: codes.length, outputActivation: 'sigmoid' },
          channels: codes.map((c) => CHANNEL_NAMES[c]),
          // Every channel is a [0, 1] map (D is normalized per object), so one sigmoid head and
          // binary cross-entropy fit them all; `train.loss` can choose ce_dice and channel weights.
          defaultLoss: 'bce',
        });
      });

      kernel.hooks.infer.for('instance').tapPromise(pkg.name, async ({ run, name, image, model }) => ({
        name,
        source: { shape: image.shape, axes: image.axes, spacing: image.spacing, dtype: image.dtype },
        probabilities: await predictNetwork(run, model as LoadedModel, image, name),
      }));

      // After every configured step (core's tap is stage 0), so the table describes the final labels.
      kernel.hooks.postprocess.tapPromise({ name: pkg.name, stage: 10 }, async (prediction, { run }) => {
        if (run.config.problem.type !== 'instance' || !prediction.labels) return prediction;
        return { ...prediction, objects: objectRows(prediction.labels) };
      });

      kernel.hooks.evaluate.for('instance').tapPromise(pkg.name, ({ run, pairs }) =>
        evaluateInstances(pairs, { thresholds: run.config.metrics.matching_thresholds, ndim: run.config.problem.ndim }),
      );
    },
  }),
);

export default instancePlugin;
