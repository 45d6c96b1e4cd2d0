import { definePlugin, z, type BiaflowPlugin } from '@biaflow/core';
import { dropBorderObjects } from './drop-border-objects';

export { dropBorderObjects };

// A third-party plugin needs nothing but @biaflow/core: a name, a version, the core range it
// supports, and apply(), which registers a post-processing step with its option schema.
export default definePlugin(
  (): BiaflowPlugin => ({
    name: 'biaflow-plugin-drop-border',
    version: '1.0.0',
    core: '^0.1.0',
    description: 'drop objects touching the image border',
    apply(kernel) {
      kernel.registerPostprocess({
        name: 'drop_border_objects',
        takes: ['labels'],
        gives: ['labels'],
        description: 'Remove labelled objects that touch the image border (within `margin` pixels).',
        options: z.strictObject({
          margin: z.number().int().min(0).default(0).describe('Objects closer than this to the border are dropped too.'),
        }),
        problems: ['instance'],
        run(prediction, options, { run }) {
          if (!prediction.labels) return prediction;
          const labels = dropBorderObjects(prediction.labels, options.margin);
          run.logger.debug({ image: prediction.name }, 'dropped border objects');
          return { ...prediction, labels };
        },
      });
    },
  }),
);
