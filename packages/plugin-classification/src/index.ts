import fs from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  InputError,
  classFolders,
  definePlugin,
  isBundle,
  isClassifier,
  readBundleMeta,
  RunFiles,
  toModelLayout,
  trainNetwork,
  type BiaflowPlugin,
  type LoadedModel,
  type RunContext,
} from '@biaflow/core';
import { argmax, classifyImage } from './classify-image';
import { evaluateClassification } from './evaluate-classification';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { classifyImage, centredOrigin, argmax } from './classify-image';
export { evaluateClassification, groundTruthClasses, PREDICTIONS_TABLE, type ClassificationEvaluationOptions } from './evaluate-classification';
export { readPredictionTable, type PredictedClass } from './prediction-table';

/** The classes a model was trained on (its bundle's channels), when the run has or loads one. */
async function modelClasses(run: RunContext): Promise<string[] | undefined> {
  for (const dir of [path.join(run.runDir, RunFiles.model), run.config.model.load]) {
    if (dir && isBundle(dir)) {
      const meta = await readBundleMeta(dir);
      if (meta.channels?.length) return meta.channels;
    }
  }
  return undefined;
}

/** Class folders of the training images (the order the data pipeline numbers them in); [] when there is no such folder. */
function trainingClasses(run: RunContext): string[] {
  const dir = run.config.data.train.images;
  if (!dir || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  const classes = classFolders(dir);
  if (classes.length === 1) {
    throw new InputError(`holds a single class folder (${classes[0]}): classification needs two or more, one sub-folder per class`, { file: dir });
  }
  return classes;
}

/**
 * The image classification workflow (BiaPy's "classification"): one folder per class → a
 * `simple_cnn` or `resnet` with a softmax over the classes, trained by core's loop (random crops of
 * `data.patch_size` when images are larger, the centred patch for validation) → each test image's
 * centred patch classified → `predictions/predictions.csv` → accuracy, per-class scores and the
 * confusion matrix against the test folder's class sub-folders.
 */
export const classificationPlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      kernel.hooks.train.for('classification').tapPromise(pkg.name, ({ run }) => {
        const architecture = run.config.model.architecture;
        if (!isClassifier(architecture)) {
          throw new ConfigError([
            { path: 'model.architecture', message: `is ${architecture}, a segmentation network; classification needs simple_cnn or resnet` },
          ]);
        }
        const classes = trainingClasses(run);
        // With no class folders the data check (first thing trainNetwork does) reports the folder.
        return trainNetwork(run, {
          head: { outputChannels: Math.max(classes.length, 2), outputActivation: 'softmax' },
          channels: classes,
          defaultLoss: 'cce',
        });
      });

      kernel.hooks.infer.for('classification').tapPromise(pkg.name, async ({ run, name, image, model }) => {
        const loaded = model as LoadedModel;
        if (!isClassifier(loaded.meta.architecture)) {
          throw new InputError(`is a ${loaded.meta.architecture} model, not a classifier (simple_cnn, resnet)`, { file: run.config.model.load ?? 'the model' });
        }
        const x = toModelLayout(image, run.config.problem.ndim, name);
        const patch = loaded.meta.patch_size ?? run.config.data.patch_size ?? [];
        const scores = await classifyImage(loaded, x, patch);
        return { name, source: image, classIndex: argmax(scores), classScores: scores };
      });

      kernel.hooks.evaluate.for('classification').tapPromise(pkg.name, async ({ run, predictionsDir, groundTruthDir }) =>
        evaluateClassification({ predictions: predictionsDir, groundTruth: groundTruthDir, classes: await modelClasses(run), logger: run.logger }),
      );
    },
  }),
);

export default classificationPlugin;
