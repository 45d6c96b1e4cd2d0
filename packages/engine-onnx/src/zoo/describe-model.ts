import type { BundleMeta } from '../core-api';
import { channelIdentifiers, type SpatialRule } from './axes';
import type { ExportSettings } from './export-section';
import type { ProcessingStep } from './preprocessing';

/** File names inside an exported package. */
export const PACKAGE_FILES = {
  onnx: 'weights.onnx',
  tensorflowJs: 'tensorflow_js_weights.zip',
  testInput: 'test_input.npy',
  testOutput: 'test_output.npy',
  readme: 'README.md',
  cover: 'cover.png',
} as const;

/** Tensor ids of the package's one input and one output. */
export const INPUT_ID = 'raw';

const WORKFLOW_TASKS: Record<string, string> = {
  semantic: 'Semantic segmentation',
  instance: 'Instance segmentation',
  detection: 'Point detection',
  classification: 'Image classification',
};

const ARCHITECTURE_NAMES: Record<string, string> = {
  unet: 'U-Net',
  resunet: 'residual U-Net',
  attention_unet: 'Attention U-Net',
  seunet: 'squeeze-and-excitation U-Net',
  simple_cnn: 'convolutional classifier',
  resnet: 'ResNet classifier',
};

/** The paper of each architecture: the default `cite` when the export section gives none. */
const ARCHITECTURE_CITATIONS: Record<string, { text: string; doi?: string; url?: string }[]> = {
  unet: [{ text: 'Ronneberger O., Fischer P., Brox T. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015.', doi: '10.1007/978-3-319-24574-4_28' }],
  resunet: [{ text: 'Zhang Z., Liu Q., Wang Y. Road Extraction by Deep Residual U-Net. IEEE Geoscience and Remote Sensing Letters 2018.', doi: '10.1109/LGRS.2018.2802944' }],
  attention_unet: [{ text: 'Oktay O. et al. Attention U-Net: Learning Where to Look for the Pancreas. MIDL 2018.', url: 'https://arxiv.org/abs/1804.03999' }],
  seunet: [
    { text: 'Ronneberger O., Fischer P., Brox T. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015.', doi: '10.1007/978-3-319-24574-4_28' },
    { text: 'Hu J., Shen L., Sun G. Squeeze-and-Excitation Networks. CVPR 2018.', doi: '10.1109/CVPR.2018.00745' },
  ],
  resnet: [{ text: 'He K., Zhang X., Ren S., Sun J. Deep Residual Learning for Image Recognition. CVPR 2016.', doi: '10.1109/CVPR.2016.90' }],
};

export function taskOf(problem: string | null): string {
  return problem ? (WORKFLOW_TASKS[problem] ?? `biaflow "${problem}" workflow`) : 'Network output';
}

export function architectureName(architecture: string): string {
  return ARCHITECTURE_NAMES[architecture] ?? architecture;
}

export function defaultName(meta: BundleMeta): string {
  return `biaflow ${meta.problem ?? 'model'} ${meta.architecture} ${meta.ndim}D`;
}

export function defaultDescription(meta: BundleMeta, classifier: boolean): string {
  const what = classifier ? `scores of ${meta.output_channels} classes (${meta.channels.join(', ')})` : `${meta.output_channels} output channel(s)${meta.channels.length ? ` (${meta.channels.join(', ')})` : ''}`;
  return `${taskOf(meta.problem)} with a ${meta.ndim}D ${architectureName(meta.architecture)} trained with biaflow: ${what}.`;
}

export function defaultCitations(meta: BundleMeta): ExportSettings['cite'] {
  return ARCHITECTURE_CITATIONS[meta.architecture] ?? [];
}

/** The tensor id of the output: what the head's values are. */
export function outputId(meta: BundleMeta, classifier: boolean): string {
  if (classifier) return 'class_scores';
  return meta.output_activation === 'linear' ? 'prediction' : 'probabilities';
}

export interface DescribeOptions {
  meta: BundleMeta;
  classifier: boolean;
  settings: ExportSettings;
  rules: SpatialRule[];
  preprocessing: ProcessingStep[];
  /** `config.biaflow`: what biaflow needs to reproduce the full result. */
  biaflow: Record<string, unknown>;
  versions: { engineOnnx: string; tfjs: string; opset: number };
  /** When the package was made (ISO 8601). */
  timestamp: string;
}

/**
 * The `bioimageio.yaml` content (spec 0.5) of an exported biaflow model, before the writer adds
 * `format_version` and the files' sha256. Tensors are channels first (`bcyx` / `bczyx`, the ONNX
 * layout; classifiers output `bc`), batch of any size.
 */
export function describeModel(o: DescribeOptions): Record<string, unknown> {
  const { meta, classifier, settings, rules } = o;
  const inputChannels = channelIdentifiers(meta.input_channel_names, meta.input_channels);
  const outputChannels = channelIdentifiers(meta.channels, meta.output_channels);
  const output = outputId(meta, classifier);
  const tags = [...new Set(['biaflow', meta.problem ?? 'model', `${meta.ndim}d`, meta.architecture, ...(classifier ? ['classification'] : ['segmentation']), ...settings.tags])];

  const inputAxes: Record<string, unknown>[] = [
    { type: 'batch' },
    { type: 'channel', channel_names: inputChannels },
    ...rules.map((r) => ({ type: 'space', id: r.id, size: r.size })),
  ];
  const outputAxes: Record<string, unknown>[] = [
    { type: 'batch' },
    { type: 'channel', channel_names: outputChannels },
    ...(classifier ? [] : rules.map((r) => ({ type: 'space', id: r.id, size: { tensor_id: INPUT_ID, axis_id: r.id }, ...(r.halo > 0 ? { halo: r.halo } : {}) }))),
  ];
  const range = meta.output_activation === 'linear' ? {} : { range: [0, 1] };
  const head =
    meta.output_activation === 'softmax'
      ? `softmax over the ${classifier ? 'classes' : 'channels'}`
      : meta.output_activation === 'sigmoid'
        ? 'a sigmoid per channel'
        : 'no activation (raw values)';

  // Through JSON: no shared objects (which YAML would write as anchors), no undefined values.
  return plainJson({
    name: settings.name ?? defaultName(meta),
    description: settings.description ?? defaultDescription(meta, classifier),
    authors: settings.authors,
    cite: settings.cite.length > 0 ? settings.cite : defaultCitations(meta),
    license: settings.license,
    tags,
    ...(settings.git_repo ? { git_repo: settings.git_repo } : {}),
    documentation: PACKAGE_FILES.readme,
    covers: [PACKAGE_FILES.cover],
    timestamp: o.timestamp,
    inputs: [
      {
        id: INPUT_ID,
        description: `raw image (${meta.input_channels} channel(s)); the preprocessing normalizes it as biaflow did in training`,
        axes: inputAxes,
        data: { type: 'float32' },
        test_tensor: { source: PACKAGE_FILES.testInput },
        preprocessing: o.preprocessing,
      },
    ],
    outputs: [
      {
        id: output,
        description: `${classifier ? 'class scores' : 'network output'}: ${head}, computed inside the network`,
        axes: outputAxes,
        data: { type: 'float32', ...range },
        test_tensor: { source: PACKAGE_FILES.testOutput },
      },
    ],
    weights: {
      tensorflow_js: {
        source: PACKAGE_FILES.tensorflowJs,
        tensorflow_version: o.versions.tfjs,
        comment: "The biaflow model bundle as trained (model.json, weights.bin, biaflow.json). Its layers are biaflow's own classes: these weights load in biaflow and its browser app, not in other TensorFlow.js programs.",
      },
      onnx: {
        source: PACKAGE_FILES.onnx,
        opset_version: o.versions.opset,
        parent: 'tensorflow_js',
        comment: `Converted from the tensorflow_js weights by @biaflow/engine-onnx ${o.versions.engineOnnx} (channels first, dynamic batch and spatial axes).`,
      },
    },
    config: { biaflow: o.biaflow },
  });
}

function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
