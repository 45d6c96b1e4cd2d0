import type { ProblemType } from '../kernel/stages';

const common = (type: ProblemType, extra: string, post: string) => `# biaflow config: ${type}
# Paths are relative to this file. Every key is documented in docs/config.md;
# check this file with \`biaflow config validate --config <this file>\`.

problem:
  type: ${type}
  ndim: 2                 # 2 for [y, x] images, 3 for [z, y, x] volumes

system:
  backend: auto           # tfjs-node-gpu > tfjs-node > wasm > cpu, whichever is installed
  seed: 0

data:
  train:
    images: data/train/images
${type === 'classification' ? '    # one sub-folder per class inside images/' : '    labels: data/train/labels   # same file names as the images'}
  val:
    split: 0.1            # fraction of training held out when there is no validation folder
  test:
    images: data/test/images
${type === 'classification' ? '' : '    labels: data/test/labels    # optional: metrics are computed when present\n'}  patch_size: ${type === 'classification' ? '[64, 64]' : '[256, 256]'}
${extra}
train:
  epochs: 100
  batch_size: 4
  lr: 0.001
  patience: 20            # early stopping on validation loss

postprocess:${post}

metrics:
  matching_thresholds: [0.3, 0.5, 0.75]
`;

/** Commented starter configs written by `biaflow init <workflow>`. */
export const STARTER_CONFIGS: Record<ProblemType, string> = {
  semantic: common(
    'semantic',
    `
semantic:
  classes: 2              # background included; labels are class indices (0/255 masks become 0/1)
  head: auto              # sigmoid for 2 classes, softmax for more
`,
    ' []           # e.g. - { method: median_filter, size: [5, 1, 1] } for 3D z-filtering'),
  instance: common('instance', '', ' []           # e.g. - { method: remove_small_objects, min_size: 30 }'),
  detection: common('detection', '', ' []           # e.g. - { method: suppress_close_points, radius: 3 }'),
  classification: common('classification', '', ' []'),
};
