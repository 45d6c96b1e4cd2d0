import { z } from 'zod';

/** Each step is validated again, after plugins load, against the schema its method registered. */
const postprocessStep = z.looseObject({
  method: z.string().min(1).describe('Name of a registered post-processing method.'),
});

export const postprocessSection = z
  .array(postprocessStep)
  .default([])
  .describe(
    'Post-processing steps run in order on each prediction: a list of { method: <name>, ...options }. When no step decodes the network output, the workflow\'s default decoding runs first.',
  );
