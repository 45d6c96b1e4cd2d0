import fs from 'node:fs';
import path from 'node:path';
import { definePlugin, InputError, isBundle, readBundleMeta, RunFiles, toModelLayout, type BiaflowPlugin, type ConfigIssue, type NetworkDefinition, type WorkflowCheckContext, type Prediction, type ResolvedConfig, type RunContext, type TableRow } from '@biaflow/core';
import { classFolderLayout, classFolders } from '@biaflow/data';
import { ttaTransforms } from '@biaflow/image';
import { argmax, classifyImage } from './classify-image';
import { evaluateClassification, PREDICTIONS_TABLE } from './evaluate-classification';
import { classificationMetricsKeys, topK } from './metrics-keys';
import { classificationPicture } from './report';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { classifyImage, centredOrigin, argmax } from './classify-image';
export { averageClassScores } from './tta-scores';
export { evaluateClassification, groundTruthClasses, PREDICTIONS_TABLE, type ClassificationEvaluationOptions } from './evaluate-classification';
export { readPredictionTable, type PredictedClass } from './prediction-table';
export { classificationMetricsKeys, topK } from './metrics-keys';

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

/** A segmentation network cannot be trained to classify: said before any data is read. */
function checkConfig(config: ResolvedConfig, { training, networks }: WorkflowCheckContext): ConfigIssue[] {
  const architecture = config.model.architecture;
  const network = networks.get(architecture);
  return !training || !network || network.output === 'global'
    ? []
    : [{ path: 'model.architecture', message: `is ${architecture}, a segmentation network; classification needs ${classifierNames(networks)}` }];
}

/** The registered networks that give one output per image, for messages (`simple_cnn or resnet`). */
function classifierNames(networks: ReadonlyMap<string, NetworkDefinition>, separator = ' or '): string {
  return [...networks.values()].filter((n) => n.output === 'global').map((n) => n.name).join(separator) || 'a network with one output per image';
}

/** Runs that have said test-time augmentation is on (once per run, not per image). */
const ttaAnnounced = new WeakSet<RunContext>();

function announceTta(run: RunContext, patch: readonly number[]): void {
  if (ttaAnnounced.has(run) || patch.length !== run.config.problem.ndim) return;
  ttaAnnounced.add(run);
  const transforms = ttaTransforms([...patch, 1], run.config.problem.ndim).map((t) => t.name);
  run.logger.info(
    { event: 'tta', transforms, patch },
    `test-time augmentation on: each image's class scores are averaged over ${transforms.length} transforms of its ${patch.join('×')} patch (${transforms.join(', ')})`,
  );
}

/** The row of `predictions.csv`: the class, its index and the score of every class. */
function predictionRow(prediction: Prediction): TableRow[] | undefined {
  if (prediction.classIndex === undefined) return undefined;
  const names = prediction.classNames ?? [];
  const row: TableRow = { class: names[prediction.classIndex] ?? String(prediction.classIndex), class_index: prediction.classIndex };
  prediction.classScores?.forEach((s, i) => (row[`score_${names[i] ?? i}`] = s));
  return [row];
}

const STARTER = `model:
  architecture: simple_cnn  # or resnet: classifiers

postprocess: []

metrics:
  top_k: 5                  # top_k_accuracy: true class among the k highest scores (null with k or fewer classes)
`;

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
      kernel.extendConfigSection('metrics', classificationMetricsKeys);
      // A class per image has no file of its own: its result is its row of classes.csv.
      kernel.registerOutputKind({
        name: 'classes',
        description: 'a class per image (its row of classes.csv)',
        holds: (prediction) => prediction.classIndex !== undefined,
        field: 'classIndex',
      });
      kernel.registerWorkflow({
        name: 'classification',
        description: 'Image classification: a folder per class → simple_cnn or resnet with a softmax → one class per image',
        checkConfig,
        data: classFolderLayout,
        prepareSample(sample, { classes }) {
          // One-hot over the training classes.
          const n = classes?.length ?? 0;
          const target = new Float32Array(n);
          if (sample.classIndex !== undefined) target[sample.classIndex] = 1;
          return { ...sample, target: { data: target, shape: [n] } };
        },
        network(run) {
          // With no class folders the data check (the first thing training does) reports the folder.
          const classes = trainingClasses(run);
          return { head: { outputChannels: Math.max(classes.length, 2), outputActivation: 'softmax' }, channels: classes, defaultLoss: 'cce' };
        },
        async infer({ run, name, image, model }) {
          if (run.kernel.networks.get(model.meta.architecture)?.output === 'spatial') {
            throw new InputError(`is a ${model.meta.architecture} model, not a classifier (${classifierNames(run.kernel.networks, ', ')})`, { file: run.config.model.load ?? 'the model' });
          }
          const x = toModelLayout(image, run.config.problem.ndim, name);
          const patch = model.meta.patch_size ?? run.config.data.patch_size ?? [];
          const tta = run.config.predict.tta === true;
          if (tta) announceTta(run, patch);
          const scores = await classifyImage(model, x, patch, { tta });
          return { name, source: image, classIndex: argmax(scores), classScores: scores, classNames: model.meta.channels };
        },
        // Its own inference gives the class and the scores, which no post-processing step takes.
        gives: ['classIndex', 'classScores', 'classNames'],
        output: 'classes',
        tables: [
          {
            name: 'predictions',
            file: path.join(RunFiles.predictions, PREDICTIONS_TABLE),
            description: 'one row per image: the predicted class, its index and the score of every class',
            rows: predictionRow,
          },
        ],
        evaluate: async ({ run, predictionsDir, groundTruthDir, io }) =>
          evaluateClassification({
            predictions: predictionsDir,
            groundTruth: groundTruthDir,
            classes: await modelClasses(run),
            topK: topK(run.config),
            logger: run.logger,
            listImageFiles: (dir) => io.listImageFiles(dir),
          }),
        mainFigure: { key: 'accuracy', label: 'accuracy' },
        // Each image is right or wrong: the report shows wrong ones as the worst, right ones as the best.
        imageFigure: { key: 'correct', label: 'correct' },
        reportPicture: classificationPicture,
        summary: [
          { key: 'accuracy', label: 'accuracy' },
          { key: 'macro_f1', label: 'macro F1' },
          { key: 'top_k_accuracy', label: 'top-k accuracy (k = metrics.top_k)' },
        ],
        starterConfig: STARTER,
      });
    },
  }),
);

export default classificationPlugin;
