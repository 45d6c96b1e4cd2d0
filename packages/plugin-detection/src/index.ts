import { definePlugin, predictNetwork, trainNetwork, type BiaflowPlugin, type LoadedModel } from '@biaflow/core';
import { registerDetectPoints } from './detect-points-step';
import { detectionSection, detectionSettings, radiusPerAxis } from './detection-section';
import { evaluateDetection } from './evaluate-detection';
import { pointTarget } from './point-target';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { detectionSection, detectionSettings, radiusPerAxis, POINT_TARGETS, type DetectionSettings, type PointTargetShape } from './detection-section';
export { pointTarget, type PointTargetOptions } from './point-target';
export { decodePoints, type DecodePointsOptions, type DetectedPoints } from './decode-points';
export { registerDetectPoints, detectPointsOptions, spacingOf, DETECT_POINTS_STEP, type DetectPointsSettings } from './detect-points-step';
export { evaluateDetection, type DetectionEvaluationOptions } from './evaluate-detection';

/**
 * The point detection workflow (BiaPy's "detection"): point CSVs → a disk or Gaussian per point
 * in one sigmoid channel per class → U-Net trained by core's loop → tiled prediction → local
 * maxima (`detect_points`) → `predictions/<image>.csv` → matching within a distance tolerance.
 */
export const detectionPlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      kernel.registerConfigSection('detection', detectionSection);
      registerDetectPoints(kernel);

      kernel.hooks.preprocess.for('detection').tapPromise(pkg.name, async (sample, { run }) => {
        if (!sample.label) return sample;
        const settings = detectionSettings(run.config);
        const target = pointTarget(
          sample.label,
          { classes: settings.classes, shape: settings.target, radius: radiusPerAxis(settings.radius, run.config.problem.ndim) },
          sample.name,
        );
        return { ...sample, target };
      });

      kernel.hooks.train.for('detection').tapPromise(pkg.name, ({ run }) => {
        const settings = detectionSettings(run.config);
        radiusPerAxis(settings.radius, run.config.problem.ndim); // a wrong radius stops the run before the data is read
        const classes = settings.classes;
        return trainNetwork(run, {
          head: { outputChannels: classes, outputActivation: 'sigmoid' },
          channels: classes === 1 ? ['points'] : Array.from({ length: classes }, (_, c) => `class_${c + 1}`),
          // Points cover ~1% of the pixels: with disks, the Dice term keeps the network from predicting all
          // background; soft Gaussian targets train well with cross-entropy alone (better than mse on smFISH).
          defaultLoss: settings.target === 'gaussian' ? 'bce' : 'ce_dice',
        });
      });

      kernel.hooks.infer.for('detection').tapPromise(pkg.name, async ({ run, name, image, model }) => ({
        name,
        source: image,
        probabilities: await predictNetwork(run, model as LoadedModel, image, name),
      }));

      kernel.hooks.evaluate.for('detection').tapPromise(pkg.name, async ({ run, pairs }) =>
        evaluateDetection(pairs, {
          tolerance: run.config.metrics.detection_tolerance,
          ndim: run.config.problem.ndim,
          testImages: run.config.data.test.images,
        }),
      );
    },
  }),
);

export default detectionPlugin;
