import { z } from 'zod';

export const problemSection = z
  .strictObject({
    type: z
      .string()
      .min(1)
      .describe('The workflow: the name of a registered workflow (`biaflow plugins` lists the installed ones).'),
    ndim: z
      .union([z.literal(2), z.literal(3)])
      .default(2)
      .describe('Spatial dimensions of the images: 2 (y, x) or 3 (z, y, x).'),
  })
  .describe('What kind of problem the run solves.');
