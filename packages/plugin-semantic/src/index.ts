import { binaryMaskMapping, definePlugin, type BiaflowPlugin } from '@biaflow/core';
import { imageLabelPairs } from '@biaflow/data';
import { DECODE_METHOD, registerDecodeStep } from './decode-step';
import { evaluateSemantic } from './evaluate';
import { semanticPicture } from './report';
import { channelNames, checkClassValues, outputChannels, semanticSection, semanticSettings } from './semantic-config';
import { semanticTarget } from './targets';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { semanticSection, semanticSettings, outputChannels, channelNames, checkClassValues, SEMANTIC_HEADS, type SemanticSettings } from './semantic-config';
export { semanticTarget } from './targets';
export { classMap, maxOverChannels, type ClassMapOptions } from './class-map';
export { DECODE_METHOD, type SemanticDecodeOptions } from './decode-step';
export { evaluateSemantic, type SemanticEvaluationOptions } from './evaluate';
export { semanticPicture } from './report';

const STARTER = `semantic:
  classes: 2              # background included; labels are class indices (0/255 masks become 0/1)
  head: auto              # sigmoid for 2 classes, softmax for more

postprocess: []           # the class-map decoding runs by default; e.g. - { method: median_filter, size: [5, 1, 1] } for 3D z-filtering
`;

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
      registerDecodeStep(kernel);
      kernel.registerWorkflow({
        name: 'semantic',
        description: 'Semantic segmentation: class maps → sigmoid or softmax U-Net → class map by threshold or arg-max',
        section: { key: 'semantic', schema: semanticSection },
        data: imageLabelPairs,
        // A 0/255 (or 0/v) mask across the training set is a binary class map.
        labelMapping: binaryMaskMapping,
        prepareSample(sample, { run }) {
          if (!sample.label) return sample;
          const ndim = run.config.problem.ndim;
          const label = sample.label.shape.length > ndim ? { data: sample.label.data, shape: sample.label.shape.slice(0, ndim) } : sample.label;
          return { ...sample, target: semanticTarget(label, semanticSettings(run.config), sample.name) };
        },
        network(run) {
          const settings = semanticSettings(run.config);
          return {
            head: { outputChannels: outputChannels(settings), outputActivation: settings.head },
            channels: channelNames(settings),
            // BiaPy's default: cross-entropy (train.loss.type: ce_dice or dice for thin structures).
            defaultLoss: settings.head === 'softmax' ? 'cce' : 'bce',
            checkLabelValues: (values) => checkClassValues(values, settings.classes),
          };
        },
        output: 'labels',
        evaluate: ({ run, pairs, io }) =>
          evaluateSemantic(pairs, {
            classes: semanticSettings(run.config).classes,
            ndim: run.config.problem.ndim,
            mapping: run.config.data.labels.mapping,
            io,
          }),
        mainFigure: { key: 'foreground_iou', label: 'foreground IoU' },
        summary: [{ key: 'foreground_iou', label: 'foreground IoU' }],
        tunable: [{ step: DECODE_METHOD, option: 'threshold', values: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8] }],
        reportPicture: semanticPicture,
        starterConfig: STARTER,
      });
    },
  }),
);

export default semanticPlugin;
