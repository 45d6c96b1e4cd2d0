import { z } from 'zod';
import { PROBLEM_TYPES } from '../../kernel/stages';

export const problemSection = z
  .strictObject({
    type: z.enum(PROBLEM_TYPES).describe('The workflow: semantic | instance | detection | classification.'),
    ndim: z
      .union([z.literal(2), z.literal(3)])
      .default(2)
      .describe('Spatial dimensions of the images: 2 (y, x) or 3 (z, y, x).'),
  })
  .describe('What kind of problem the run solves.');
