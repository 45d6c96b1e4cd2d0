import { definePlugin, InputError, RunFiles, type BiaflowPlugin, type ConfigIssue, type ResolvedConfig } from '@biaflow/core';
import { imageLabelPairs } from '@biaflow/data';
import { CHANNEL_NAMES, channelCodes } from './channels';
import { DECODE_METHOD, registerDecodeStep } from './decode-step';
import { evaluateInstances } from './evaluate';
import { instanceSection, instanceSettings, type InstanceSettings } from './instance-config';
import { instanceMetricsKeys, matchingThresholds } from './metrics-keys';
import { objectRows, voxelSize } from './objects-table';
import { instanceCurves, instancePicture } from './report';
import { instanceTargets } from './targets';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { CHANNEL_SETS, CHANNEL_NAMES, channelCodes, channelIndex, type ChannelSet, type ChannelCode } from './channels';
export { instanceSection, instanceSettings, type InstanceSettings } from './instance-config';
export { instanceTargets, type InstanceTargetOptions } from './targets';
export { normalizedObjectDistance } from './object-distance';
export { decodeInstances, relabelSequential, type DecodeOptions, type DecodedInstances, type UsedThresholds, type Threshold } from './decode';
export { DECODE_METHOD, type DecodeStepOptions } from './decode-step';
export { objectRows, voxelSize, type ObjectRow } from './objects-table';
export { evaluateInstances } from './evaluate';
export { instanceMetricsKeys, matchingThresholds } from './metrics-keys';
export { curveThresholds, instanceCurves, instancePicture } from './report';

/** Settings per resolved config, parsed once (prepareSample runs for every training sample). */
const settingsCache = new WeakMap<ResolvedConfig, InstanceSettings>();
function settingsOf(config: ResolvedConfig): InstanceSettings {
  let s = settingsCache.get(config);
  if (!s) {
    s = instanceSettings(config);
    settingsCache.set(config, s);
  }
  return s;
}

function checkConfig(config: ResolvedConfig): ConfigIssue[] {
  const s = instanceSettings(config);
  return s.spacing && s.spacing.length !== config.problem.ndim
    ? [{ path: 'instance.spacing', message: `has ${s.spacing.length} values but problem.ndim is ${config.problem.ndim}` }]
    : [];
}

const STARTER = `instance:
  channels: BC            # foreground (body) and contour, BiaPy's default; BCD adds a distance map

postprocess: []           # the watershed decoding runs by default; e.g. - { method: remove_small_objects, min_size: 30 }

metrics:
  matching_thresholds: [0.3, 0.5, 0.75]
`;

/**
 * The instance workflow: instance labels → B/C/D targets, a sigmoid U-Net trained on them, its
 * output decoded by marker-controlled watershed (`instance_watershed`, the default decoding), one
 * `objects.csv` row per object, and StarDist's matching statistics, ap_50_95 and AJI as metrics.
 */
export const instancePlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      kernel.extendConfigSection('metrics', instanceMetricsKeys);
      registerDecodeStep(kernel);
      kernel.registerWorkflow({
        name: 'instance',
        description: 'Instance segmentation: instance labels → B/C/D targets → sigmoid U-Net → marker-controlled watershed → objects',
        section: { key: 'instance', schema: instanceSection },
        checkConfig,
        data: imageLabelPairs,
        prepareSample(sample, { run }) {
          const label = sample.label;
          if (!label) throw new InputError(`${sample.name}: the instance workflow needs a label image to train on`);
          const ndim = run.config.problem.ndim;
          const spatial = label.shape.length > ndim ? { data: label.data, shape: label.shape.slice(0, ndim) } : label;
          const s = settingsOf(run.config);
          const target = instanceTargets(spatial, { channels: s.channels, contourMode: s.contour_mode, spacing: s.spacing ?? sample.spacing });
          return { ...sample, target };
        },
        network(run) {
          const codes = channelCodes(settingsOf(run.config).channels);
          return {
            head: { outputChannels: codes.length, outputActivation: 'sigmoid' },
            channels: codes.map((c) => CHANNEL_NAMES[c]),
            // Every channel is a [0, 1] map (D is normalized per object), so one sigmoid head and
            // binary cross-entropy fit them all; `train.loss` can choose ce_dice and channel weights.
            defaultLoss: 'bce',
          };
        },
        output: 'labels',
        tables: [
          {
            name: 'objects',
            file: RunFiles.objects,
            description: 'one row per object of each image: label, area, centroid, bounding box, the centroid as axis-0… (napari points), and in µm when the voxel size is known',
            rows: (prediction, run) => (prediction.labels ? objectRows(prediction.labels, voxelSize(prediction.source, run.config.problem.ndim)) : undefined),
          },
        ],
        evaluate: ({ run, pairs, io }) => evaluateInstances(pairs, { thresholds: matchingThresholds(run.config), ndim: run.config.problem.ndim, io }),
        mainFigure: { key: 'matching.0.5.f1', label: 'F1 at IoU 0.5' },
        summary: [
          { key: 'matching.0.5.f1', label: 'F1 at IoU 0.5' },
          { key: 'matching.0.5.precision', label: 'precision at IoU 0.5' },
          { key: 'matching.0.5.recall', label: 'recall at IoU 0.5' },
          { key: 'matching.0.5.panoptic_quality', label: 'panoptic quality at IoU 0.5' },
          { key: 'ap_50_95', label: 'AP 0.5:0.95 (accuracy averaged over IoU 0.5–0.95)' },
          { key: 'aji', label: 'AJI' },
        ],
        tunable: [
          { step: DECODE_METHOD, option: 'seed_threshold', values: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8] },
          { step: DECODE_METHOD, option: 'foreground_threshold', values: [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5] },
          { step: DECODE_METHOD, option: 'contour_threshold', values: [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5] },
        ],
        reportPicture: instancePicture,
        reportCurves: instanceCurves,
        starterConfig: STARTER,
      });
    },
  }),
);

export default instancePlugin;
