import { definePlugin, predictNetwork, trainNetwork, type BiaflowPlugin, type LoadedModel } from '@biaflow/core';
import { registerDecodeStep } from './decode-step';
import { evaluateSemantic } from './evaluate';
import { channelNames, checkClassValues, outputChannels, semanticSection, semanticSettings } from './semantic-config';
import { semanticTarget } from './targets';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { semanticSection, semanticSettings, outputChannels, channelNames, checkClassValues, SEMANTIC_HEADS, type SemanticSettings } from './semantic-config';
export { semanticTarget } from './targets';
export { classMap, maxOverChannels, type ClassMapOptions } from './class-map';
export { DECODE_METHOD, type SemanticDecodeOptions } from './decode-step';
export { evaluateSemantic, type SemanticEvaluationOptions } from './evaluate';

/**
 * The semantic workflow: class maps (binary masks, or class indices) → a sigmoid or softmax U-Net
 * trained by core's loop → tiled prediction → a class map (`semantic_classes`: threshold or
 * arg-max) → IoU per class and foreground IoU, pooled over images.
 */
export const semanticPlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      kernel.registerConfigSection('semantic', semanticSection);
      registerDecodeStep(kernel);

      kernel.hooks.preprocess.for('semantic').tapPromise(pkg.name, async (sample, { run }) => {
        if (!sample.label) return sample;
        const ndim = run.config.problem.ndim;
        const label = sample.label.shape.length > ndim ? { data: sample.label.data, shape: sample.label.shape.slice(0, ndim) } : sample.label;
        return { ...sample, target: semanticTarget(label, semanticSettings(run.config), sample.name) };
      });

      kernel.hooks.train.for('semantic').tapPromise(pkg.name, ({ run }) => {
        const settings = semanticSettings(run.config);
        return trainNetwork(run, {
          head: { outputChannels: outputChannels(settings), outputActivation: settings.head },
          channels: channelNames(settings),
          // BiaPy's default: cross-entropy (train.loss.type: ce_dice or dice for thin structures).
          defaultLoss: settings.head === 'softmax' ? 'cce' : 'bce',
          checkLabelValues: (values) => checkClassValues(values, settings.classes),
        });
      });

      kernel.hooks.infer.for('semantic').tapPromise(pkg.name, async ({ run, name, image, model }) => ({
        name,
        source: { shape: image.shape, axes: image.axes, spacing: image.spacing, dtype: image.dtype },
        probabilities: await predictNetwork(run, model as LoadedModel, image, name),
      }));

      kernel.hooks.evaluate.for('semantic').tapPromise(pkg.name, ({ run, pairs }) =>
        evaluateSemantic(pairs, {
          classes: semanticSettings(run.config).classes,
          ndim: run.config.problem.ndim,
          mapping: run.config.data.labels.mapping,
        }),
      );
    },
  }),
);

export default semanticPlugin;
