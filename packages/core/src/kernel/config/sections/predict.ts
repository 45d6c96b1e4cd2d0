import { z } from 'zod';
import { positiveInt, section } from '../schema-helpers';

/**
 * The largest tile overlap: each tile advances by (1 − overlap) of its kept core, so the tiles of an
 * image, and the time to predict it, grow as 1/(1 − overlap) along each axis (0.99 would be 10000
 * times the tiles of no overlap in 2D). Blending needs a fraction of a tile; 0.9 is far above the usual 0.25–0.5.
 */
const MAX_OVERLAP = 0.9;

export const predictSection = section(
  {
    overlap: z
      .number()
      .min(0)
      .max(MAX_OVERLAP, {
        message: `is more than ${MAX_OVERLAP}, biaflow's cap (the tiles per image grow as 1/(1 − overlap) per axis: ×100 in 2D and ×1000 in 3D at ${MAX_OVERLAP}): use a smaller overlap`,
      })
      .default(0.25)
      .describe(
        `Fraction of each tile shared with its neighbour when an image is predicted in tiles of data.patch_size; overlaps are blended. At most ${MAX_OVERLAP}: the number of tiles grows as 1/(1 − overlap) along each axis.`,
      ),
    padding: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Context in pixels on each side of a tile whose prediction is discarded (less than half the patch size). Beyond the image border, numpy-reflect padding.',
      ),
    batch_size: positiveInt().default(4).describe('Tiles predicted at once; bounds the memory prediction needs.'),
    engine: z
      .string()
      .min(1)
      .default('tfjs')
      .describe('Inference engine that runs the network: tfjs (the selected backend), or one a plugin registers (e.g. onnx from @biaflow/engine-onnx).'),
    tta: z
      .boolean()
      .default(false)
      .describe(
        'Test-time augmentation: predict each tile under every flip and 90° rotation its axes allow (8 in 2D; 16 in 3D with a z flip; 4 / 8 when a tile is not square, without the rotations), transform each output back exactly and average them. A classifier averages its class scores over the same transforms of its input. Costs that many network passes.',
      ),
    rescale_input: z
      .boolean()
      .default(false)
      .describe(
        'Accept test images of another sample type than the training images when the model normalizes by dividing by the type\'s range (data.normalization.method: div): each image is rescaled from its own type\'s range to the trained type\'s (a uint16 image for a uint8 model: × 255/65535). Off: such an image is refused with exit 2.',
      ),
    save_probabilities: z
      .boolean()
      .default(true)
      .describe('Save the network output of each test image in probabilities/ (float32), so `biaflow postprocess` can re-run post-processing without predicting again.'),
  },
  'How test images are predicted: tile by tile, with overlap and blending, so any image size fits in memory.',
);

