import { BOUNDARY_MODES } from '@biaflow/image';
import { z } from '@biaflow/core';
import { CHANNEL_SETS, type ChannelSet } from './channels';
import type { BoundaryMode } from '@biaflow/image';

/** The `instance:` config section: what the network learns from the instance labels. */
export const instanceSection = z
  .strictObject({
    channels: z
      .enum(CHANNEL_SETS)
      .default('BC')
      .describe(
        'Training targets made from the instance labels, one output channel each: B = body (foreground), C = contour, D = distance to the object\'s boundary, normalized to [0, 1] per object. B, BC (BiaPy\'s default), BD or BCD. Every channel is a [0, 1] map for a sigmoid head (loss auto = bce; train.loss.channel_weights weighs the channels).',
      ),
    contour_mode: z
      .enum(BOUNDARY_MODES)
      .default('thick')
      .describe(
        'Contour channel as scikit-image find_boundaries: thick (both sides of every boundary), inner (object pixels next to another value) or outer (background pixels next to an object, plus pixels where objects touch).',
      ),
    spacing: z
      .array(z.number().positive())
      .nullable()
      .default(null)
      .describe(
        'Voxel size ([y, x] or [z, y, x]) used for distances (the D channel, seed erosion, Voronoi filling); null = the spacing stored in each image file (1 where the file does not say).',
      ),
  })
  .prefault({})
  .describe('Instance segmentation: the training targets made from the instance labels.');

export interface InstanceSettings {
  channels: ChannelSet;
  contour_mode: BoundaryMode;
  spacing: number[] | null;
}

/** The section of a resolved config (defaults when the section is missing, e.g. outside a run). */
export function instanceSettings(config: Record<string, unknown>): InstanceSettings {
  return instanceSection.parse(config.instance ?? {}) as InstanceSettings;
}
