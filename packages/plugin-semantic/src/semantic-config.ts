import { z } from '@biaflow/core';

export const SEMANTIC_HEADS = ['auto', 'sigmoid', 'softmax'] as const;

/** The `semantic:` config section: how many classes the labels hold and how the network outputs them. */
export const semanticSection = z
  .strictObject({
    classes: z
      .number()
      .int()
      .min(2)
      .max(65535)
      .default(2)
      .describe(
        'Classes, background included: label values are class indices 0..classes-1 (after data.labels.mapping; a 0/255 mask becomes 0/1 by itself). 2 = binary segmentation.',
      ),
    head: z
      .enum(SEMANTIC_HEADS)
      .default('auto')
      .describe(
        'Output layer: sigmoid (one channel per foreground class, loss auto = bce, decoded by a threshold) or softmax (one channel per class, loss auto = cce, decoded by argmax). auto = sigmoid for 2 classes, softmax for more.',
      ),
  })
  .prefault({})
  .describe('Semantic segmentation: the classes of the label images and the network head.');

export interface SemanticSettings {
  classes: number;
  head: 'sigmoid' | 'softmax';
}

/** The section of a resolved config, with `head: auto` decided (defaults when the section is missing). */
export function semanticSettings(config: Record<string, unknown>): SemanticSettings {
  const s = semanticSection.parse(config.semantic ?? {});
  return { classes: s.classes, head: s.head === 'auto' ? (s.classes === 2 ? 'sigmoid' : 'softmax') : s.head };
}

/** Output channels of the network: one per foreground class (sigmoid) or one per class (softmax). */
export function outputChannels(s: SemanticSettings): number {
  return s.head === 'sigmoid' ? s.classes - 1 : s.classes;
}

/** Meaning of each output channel, stored in the model bundle. */
export function channelNames(s: SemanticSettings): string[] {
  if (s.head === 'sigmoid') return s.classes === 2 ? ['foreground'] : Array.from({ length: s.classes - 1 }, (_, i) => `class_${i + 1}`);
  return Array.from({ length: s.classes }, (_, i) => (i === 0 ? 'background' : `class_${i}`));
}

/** The data check of one label file's distinct values: every value must be a class index. */
export function checkClassValues(values: readonly number[], classes: number): string | undefined {
  const bad = values.filter((v) => !(v >= 0 && v < classes));
  if (bad.length === 0) return undefined;
  const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ', …' : '');
  return `label holds value${bad.length === 1 ? '' : 's'} ${shown} but semantic.classes is ${classes} (class indices 0..${classes - 1}): set semantic.classes, or map the values with data.labels.mapping (e.g. {255: 1})`;
}
