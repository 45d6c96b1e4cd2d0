import type { WorkflowDriver } from '../kernel/workflow-driver';

/**
 * The commented starter config `biaflow init <workflow>` writes: core's sections around the
 * workflow's own part (its section, and the post-processing and metrics it suggests), with the data
 * lines its layout needs.
 */
export function starterConfig(workflow: WorkflowDriver, plugins: readonly string[] = []): string {
  const layout = workflow.data;
  const lines = (text: string) => (text ? `${text}\n` : '');
  return `# biaflow config: ${workflow.name}
# Paths are relative to this file. Every key is documented in docs/config.md;
# check this file with \`biaflow config validate --config <this file>\`.

problem:
  type: ${workflow.name}
  ndim: 2                 # 2 for [y, x] images, 3 for [z, y, x] volumes
${plugins.length ? `plugins: [${plugins.join(', ')}]
` : ''}
system:
  backend: auto           # tfjs-node-gpu > tfjs-node > wasm > cpu, whichever is installed
  seed: 0

data:
  train:
    images: data/train/images
${lines(layout.starter.train)}  val:
    split: 0.1            # fraction of training held out when there is no validation folder
  test:
    images: data/test/images
${lines(layout.starter.test)}  patch_size: ${layout.wholeImages ? '[64, 64]' : '[256, 256]'}
${workflow.starterConfig ? `\n${workflow.starterConfig.trimEnd()}\n` : ''}
train:
  epochs: 100
  batch_size: 4
  lr: 0.001
  patience: 20            # early stopping on validation loss
`;
}
