import { ConfigError, definePlugin, type BiaflowPlugin, type ConfigIssue, type DataImageHeader, type ResolvedConfig } from '@biaflow/core';
import { pointLists } from '@biaflow/data';
import { DETECT_POINTS_STEP, registerDetectPoints, spacingOf } from './detect-points-step';
import { detectionSection, detectionSettings, radiusPerAxis } from './detection-section';
import { evaluateDetection } from './evaluate-detection';
import { detectionApTolerances, detectionMetricsKeys, detectionTolerance } from './metrics-keys';
import { detectionPicture } from './report';
import { pointListTarget, pointTarget } from './point-target';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { detectionSection, detectionSettings, radiusPerAxis, POINT_TARGETS, type DetectionSettings, type PointTargetShape } from './detection-section';
export { pointTarget, pointListTarget, type PointTargetOptions } from './point-target';
export { decodePoints, type DecodePointsOptions, type DetectedPoints } from './decode-points';
export { registerDetectPoints, detectPointsOptions, spacingOf, DETECT_POINTS_STEP, type DetectPointsSettings } from './detect-points-step';
export { evaluateDetection, type DetectionEvaluationOptions } from './evaluate-detection';
export { detectionMetricsKeys, detectionTolerance, detectionApTolerances } from './metrics-keys';
export { scoreRankedAp, type ApImage, type ApReport } from './score-ranked-ap';

/** A radius of the wrong length stops a training run before the data is read. */
function checkConfig(config: ResolvedConfig, { training }: { training: boolean }): ConfigIssue[] {
  if (!training) return [];
  try {
    radiusPerAxis(detectionSettings(config).radius, config.problem.ndim);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
}

/**
 * A tolerance below one pixel matches only points on the very same pixel: each tolerance must be at
 * least the smallest voxel size of the test images (1 where the files do not say, distances being in pixels).
 */
function checkImageHeaders(config: ResolvedConfig, images: readonly DataImageHeader[]): ConfigIssue[] {
  const test = images.filter((i) => i.set === 'test');
  const pixel = (i: DataImageHeader) => Math.min(...spacingOf(i.header, config.problem.ndim));
  const smallest = test.length ? test.reduce((a, b) => (pixel(b) < pixel(a) ? b : a)) : undefined;
  const onePixel = smallest ? pixel(smallest) : 1;
  const where = smallest && onePixel !== 1 ? ` (${smallest.file} has a voxel size of ${onePixel} µm)` : '';
  const issues: ConfigIssue[] = [];
  const tolerance = detectionTolerance(config);
  if (tolerance < onePixel) {
    issues.push({ path: 'metrics.detection_tolerance', message: `${tolerance} is less than one pixel${where}: only points on the same pixel would match; use at least ${onePixel}` });
  }
  const below = (detectionApTolerances(config) ?? []).filter((t) => t < onePixel);
  if (below.length) issues.push({ path: 'metrics.detection_ap_tolerances', message: `${below.join(', ')} less than one pixel${where}; use at least ${onePixel}` });
  return issues;
}

const STARTER = `detection:
  classes: 1              # point classes (the class column of the CSVs); one output channel each
  radius: 2               # disk (or Gaussian sigma) drawn at each point in the training target

postprocess: []           # detect_points runs by default; e.g. - { method: suppress_close_points, radius: 3 }

metrics:
  detection_tolerance: 10 # a prediction matches a true point within this many pixels
  # detection_ap_tolerances: [5, 10]  # score-ranked AP at these tolerances too (default: detection_tolerance)
`;

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
      kernel.extendConfigSection('metrics', detectionMetricsKeys);
      registerDetectPoints(kernel);
      kernel.registerWorkflow({
        name: 'detection',
        description: 'Point detection: point CSVs → disks or Gaussians per class → sigmoid U-Net → local maxima → point CSVs',
        section: { key: 'detection', schema: detectionSection },
        checkConfig,
        checkImageHeaders,
        data: pointLists,
        // The patch's points as core cut and augmented them (coordinates, never resampled) → their target.
        prepareSample(sample, { run }) {
          const settings = detectionSettings(run.config);
          const ndim = run.config.problem.ndim;
          const options = { classes: settings.classes, shape: settings.target, radius: radiusPerAxis(settings.radius, ndim) };
          if (sample.points) return { ...sample, target: pointListTarget(sample.points, sample.image.shape.slice(0, ndim), options, sample.name) };
          if (sample.label) return { ...sample, target: pointTarget(sample.label, options, sample.name) };
          return sample;
        },
        network(run) {
          const { classes, target } = detectionSettings(run.config);
          return {
            head: { outputChannels: classes, outputActivation: 'sigmoid' },
            channels: classes === 1 ? ['points'] : Array.from({ length: classes }, (_, c) => `class_${c + 1}`),
            // Points cover ~1% of the pixels: with disks, the Dice term keeps the network from predicting all
            // background; soft Gaussian targets train well with cross-entropy alone (better than mse on smFISH).
            defaultLoss: target === 'gaussian' ? 'bce' : 'ce_dice',
          };
        },
        output: 'points',
        evaluate: ({ run, pairs, io }) =>
          evaluateDetection(pairs, {
            tolerance: detectionTolerance(run.config),
            apTolerances: detectionApTolerances(run.config),
            ndim: run.config.problem.ndim,
            testImages: run.config.data.test.images,
            io,
            logger: run.logger,
          }),
        mainFigure: { key: 'f1', label: 'F1 within the tolerance' },
        summary: [
          { key: 'f1', label: 'F1' },
          { key: 'precision', label: 'precision' },
          { key: 'recall', label: 'recall' },
          { key: 'map', label: 'mAP (score-ranked, within the tolerance)' },
        ],
        tunable: [
          { step: DETECT_POINTS_STEP, option: 'threshold', values: [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7] },
          { step: DETECT_POINTS_STEP, option: 'min_distance', values: [1, 2, 3, 4, 5, 6] },
        ],
        reportPicture: detectionPicture,
        starterConfig: STARTER,
      });
    },
  }),
);

export default detectionPlugin;
