import { InputError, numberOrAuto, z, type Kernel } from '@biaflow/core';
import { otsuThreshold } from '@biaflow/image';
import { classMap, maxOverChannels } from './class-map';
import { outputChannels, semanticSettings } from './semantic-config';

/** Name of the semantic decoding in `postprocess:` lists. */
export const DECODE_METHOD = 'semantic_classes';

const options = z.strictObject({
  threshold: numberOrAuto()
    .default(0.5)
    .describe(
      'Sigmoid heads: a voxel is foreground where its class probability is above this (the highest one with several classes); `auto` = Otsu\'s threshold of each image. Softmax heads take the arg-max class and ignore it.',
    ),
});

export type SemanticDecodeOptions = z.output<typeof options>;

/** The semantic workflow's decoding (network output → class map), a `postprocess:` method that runs by default. */
export function registerDecodeStep(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: DECODE_METHOD,
    kind: 'decode',
    takes: ['probabilities'],
    gives: ['labels'],
    problems: ['semantic'],
    defaultFor: ['semantic'],
    description:
      'Class map from the network output: binarization by threshold (or `auto`, Otsu) for sigmoid heads, arg-max for softmax heads. Values are class indices (0 = background).',
    options,
    run(prediction, o: SemanticDecodeOptions, { run }) {
      const p = prediction.probabilities;
      if (!p) throw new InputError(`${DECODE_METHOD} needs the network output, but ${prediction.name} has none`);
      const settings = semanticSettings(run.config);
      const channels = p.shape[p.shape.length - 1];
      if (channels !== outputChannels(settings)) {
        throw new InputError(
          `${prediction.name}: the network output has ${channels} channel(s) but semantic.classes ${settings.classes} with a ${settings.head} head needs ${outputChannels(settings)}`,
          { hint: 'predict with the config the model was trained with' },
        );
      }
      const threshold = o.threshold === 'auto' ? (settings.head === 'sigmoid' ? otsuThreshold(maxOverChannels(p)) : 0.5) : o.threshold;
      run.logger.debug({ event: 'semantic-decode', image: prediction.name, threshold, head: settings.head }, 'semantic classes');
      return { ...prediction, labels: classMap(p, { head: settings.head, threshold }) };
    },
  });
}
