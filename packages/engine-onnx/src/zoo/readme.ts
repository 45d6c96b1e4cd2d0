import type { BundleMeta } from '../core-api';
import type { SpatialRule } from './axes';
import { architectureName, taskOf } from './describe-model';
import type { ProcessingStep } from './preprocessing';

/** What the run folder says about the training data (`split.json`). */
export interface TrainingData {
  /** Folders of the training images (and labels), as the training config gave them. */
  images?: string;
  labels?: string;
  counts?: { train: number; val: number; test: number };
  classes?: string[];
}

export interface ReadmeInput {
  meta: BundleMeta;
  classifier: boolean;
  /** The package's name, description, authors, licence, citations as written in bioimageio.yaml. */
  name: string;
  description: string;
  authors: { name: string; affiliation?: string; orcid?: string }[];
  cite: { text: string; doi?: string; url?: string }[];
  license: string;
  rules: SpatialRule[];
  preprocessing: ProcessingStep[];
  notes: string[];
  inputId: string;
  outputId: string;
  channelNames: { input: string[]; output: string[] };
  training: TrainingData;
  /** The run's metrics.json `overall` figures, when present. */
  metrics?: Record<string, unknown>;
  /** `config.biaflow` of the package. */
  biaflow: Record<string, unknown>;
  /** Name and shape of the test image. */
  sample: { file: string; shape: number[] };
  engineOnnx: string;
}

/** Numeric leaves of a nested object as dotted keys (`matching.0.5.f1`). */
export function flattenFigures(value: unknown, prefix = '', out: [string, number][] = []): [string, number][] {
  if (typeof value === 'number' && Number.isFinite(value)) out.push([prefix, value]);
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenFigures(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

function figure(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

function stepText(s: ProcessingStep): string {
  return s.kwargs && Object.keys(s.kwargs).length ? `\`${s.id}\` ${JSON.stringify(s.kwargs)}` : `\`${s.id}\``;
}

function normalizationText(meta: BundleMeta): string {
  const n = meta.normalization;
  if (!n || n.method === 'none') return 'none: the raw values, as float32';
  const scope = n.scope === 'dataset' ? 'statistics fixed over the training set' : n.scope === 'patch' ? 'statistics of each patch' : 'statistics of each image';
  if (n.method === 'div') return 'division by the training images\' dtype maximum';
  if (n.method === 'zscore') return `zero mean, unit variance per channel (${scope})`;
  if (n.method === 'percentile') return `percentiles ${JSON.stringify(n.percentiles)} mapped to [0, 1] and clipped, per channel (${scope})`;
  return `"${n.method}"`;
}

function sizeText(r: SpatialRule): string {
  return typeof r.size === 'number' ? `${r.id}: ${r.size}` : `${r.id}: ${r.size.min} + n·${r.size.step}${r.halo ? ` (halo ${r.halo})` : ''}`;
}

/**
 * The package's README.md: what the model does, its input and output, the preprocessing that
 * reproduces biaflow's normalization, the training data and figures, the weights (and that the
 * TensorFlow.js ones are for biaflow), how to get biaflow's full result, citation, authors, licence.
 */
export function packageReadme(r: ReadmeInput): string {
  const m = r.meta;
  const lines: string[] = [`# ${r.name}`, '', r.description, ''];
  lines.push(
    '## Model',
    '',
    `- Task: ${taskOf(m.problem)}${m.problem ? ` (biaflow workflow \`${m.problem}\`)` : ''}.`,
    `- Network: ${m.ndim}D ${architectureName(m.architecture)} (\`${m.architecture}\`), feature maps ${JSON.stringify(m.model.feature_maps)}, ${m.model.activation} activations, ${m.model.normalization === 'batch' ? 'batch normalization' : 'no batch normalization'}, output ${m.output_activation}.`,
    `- Trained on patches of ${m.patch_size ? m.patch_size.join(' × ') : 'unknown size'}${m.training && typeof m.training.epochs === 'number' ? ` for ${m.training.epochs} epoch(s)` : ''}.`,
    '',
    '## Input and output',
    '',
    `- Input \`${r.inputId}\`: ${m.input_channels} channel(s) (${r.channelNames.input.join(', ')}), axes ${m.ndim === 3 ? 'batch, channel, z, y, x' : 'batch, channel, y, x'}; sizes ${r.rules.map(sizeText).join(', ')}.`,
    `- Preprocessing (biaflow's normalization: ${normalizationText(m)}): ${r.preprocessing.map(stepText).join(' → ')}.`,
    ...r.notes.map((n) => `- Note: ${n}`),
    r.classifier
      ? `- Output \`${r.outputId}\`: one score per class (${r.channelNames.output.join(', ')}), ${m.output_activation}. Give the model images of the patch size: biaflow itself classifies the centred patch of larger images, normalized with the whole image's statistics.`
      : `- Output \`${r.outputId}\`: ${m.output_channels} channel(s) (${r.channelNames.output.join(', ')}), ${m.output_activation}, the input's size; when predicting in tiles, crop the halo from each tile.`,
    `- Test tensors: \`test_input.npy\` is the centred ${r.sample.shape.join(' × ')} box of \`${r.sample.file}\`; \`test_output.npy\` is what biaflow (TensorFlow.js) computes for it.`,
    '',
  );

  lines.push('## Training data', '');
  if (r.training.images) lines.push(`- Images: \`${r.training.images}\`${r.training.labels ? `, labels: \`${r.training.labels}\`` : ''}.`);
  if (r.training.counts) lines.push(`- Split: ${r.training.counts.train} training, ${r.training.counts.val} validation, ${r.training.counts.test} test image(s).`);
  if (r.training.classes?.length) lines.push(`- Classes: ${r.training.classes.join(', ')}.`);
  if (!r.training.images && !r.training.counts) lines.push('- Not recorded (the model was exported without its run folder).');
  lines.push('');

  lines.push('## Validation', '');
  const figures = r.metrics ? flattenFigures(r.metrics) : [];
  if (figures.length) {
    lines.push(`Figures of the run's test images (\`metrics.json\`, overall):`, '', '| figure | value |', '| --- | --- |');
    for (const [k, v] of figures.slice(0, 40)) lines.push(`| ${k} | ${figure(v)} |`);
    if (figures.length > 40) lines.push(`| … | ${figures.length - 40} more in the run's metrics.json |`);
  } else {
    lines.push('The run folder held no metrics.json: the model was not evaluated on test images.');
  }
  lines.push(
    '',
    '`biaflow test-model <package>` runs the zoo\'s checks on it: the schema, the file hashes, and the test output reproduced from the test input by each weights format.',
    '',
  );

  lines.push(
    '## Weights',
    '',
    `- \`weights.onnx\` (ONNX opset 17, converted by @biaflow/engine-onnx ${r.engineOnnx}): what other tools read — deepImageJ in Fiji, bioimageio.core, ilastik, BiaPy, any ONNX Runtime.`,
    "- `tensorflow_js_weights.zip`: the biaflow model bundle as trained (`model.json`, `weights.bin`, `biaflow.json`). Its layers are biaflow's own classes, so these weights are for biaflow and its browser app; other TensorFlow.js programs cannot load them. Unzipped, the folder is a model for `biaflow predict --model`.",
    '',
    '## Reproducing biaflow\'s full result',
    '',
    `\`config.biaflow\` in \`bioimageio.yaml\` records the decoding biaflow applies to the network output: the workflow${r.biaflow.postprocess ? ', the post-processing steps' : ''}${r.biaflow.tuned ? ', the tuned thresholds' : ''} and the tiling. With the bundle from \`tensorflow_js_weights.zip\`, \`biaflow predict --model <folder> --input <images>\` gives the ${r.classifier ? 'classes' : m.problem === 'detection' ? 'points' : 'labels'} as the training run did.`,
    '',
  );

  lines.push('## Citation', '');
  if (r.cite.length) for (const c of r.cite) lines.push(`- ${c.text}${c.doi ? ` https://doi.org/${c.doi}` : ''}${c.url ? ` ${c.url}` : ''}`);
  else lines.push('- (none given: set `export.cite`)');
  lines.push('', '## Authors', '');
  if (r.authors.length) for (const a of r.authors) lines.push(`- ${a.name}${a.affiliation ? `, ${a.affiliation}` : ''}${a.orcid ? ` (ORCID ${a.orcid})` : ''}`);
  else lines.push('- (none given: set `export.authors`)');
  lines.push('', '## Licence', '', `${r.license}. Exported by biaflow (@biaflow/engine-onnx ${r.engineOnnx}).`, '');
  return lines.join('\n');
}
