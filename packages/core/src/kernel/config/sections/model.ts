import { z } from 'zod';
import { modelRef, positiveInt, section } from '../schema-helpers';

/** Hidden-layer activations (each has gradients on every backend, wasm included). */
export const ACTIVATIONS = ['elu', 'relu', 'leaky_relu', 'selu', 'swish', 'mish', 'gelu', 'tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const NORMALIZATIONS = ['batch', 'none'] as const;
export const UPSAMPLINGS = ['transpose', 'resize'] as const;

const rate = () => z.number().min(0).lt(1);

export const modelSection = section(
  {
    architecture: z
      .string()
      .min(1)
      .default('unet')
      .describe(
        'Network, one of those the loaded plugins register (`biaflow plugins`): unet, resunet (residual blocks), attention_unet (attention gates on the skips), seunet (squeeze-and-excitation) for pixel outputs; simple_cnn or resnet for classifiers (one label per image).',
      ),
    feature_maps: z
      .array(positiveInt())
      .min(1)
      .default([16, 32, 64, 128, 256])
      .describe('Filters per level, shallow to deep; the depth is the length (each level after the first halves the size, so patch sizes must be multiples of 2^(depth − 1)).'),
    normalization: z.enum(NORMALIZATIONS).default('batch').describe('Normalization after each convolution: batch (batch norm) or none.'),
    activation: z.enum(ACTIVATIONS).default('elu').describe('Activation of the hidden layers.'),
    dropout: z
      .union([rate(), z.array(rate())])
      .default(0)
      .describe('Dropout rate in each level\'s block: one number for all levels, or one per level (as many as feature_maps).'),
    kernel_size: positiveInt()
      .refine((k) => k % 2 === 1, 'must be odd')
      .default(3)
      .describe('Size of the convolution kernels (odd).'),
    upsampling: z
      .enum(UPSAMPLINGS)
      .default('transpose')
      .describe('How U-Net decoders upsample: transpose (learned 2×2 transposed convolution) or resize (nearest neighbour, then a convolution).'),
    z_down: z
      .array(z.union([z.literal(1), z.literal(2)]))
      .default([])
      .describe('3D only: pooling factor along z at each downsampling (one per level after the first; 1 keeps z for anisotropic volumes). [] = 2 at every level.'),
    load: modelRef()
      .optional()
      .describe(
        'The model to start from: a bundle folder (a run\'s model/ or checkpoints/best), a BioImage Model Zoo package (folder, bioimageio.yaml or .zip, read by @biaflow/engine-onnx; fine-tuning needs its tensorflow_js weights from biaflow), or the name of a model an installed package ships (`biaflow plugins` lists them). Its weights are fine-tuned when training, used as they are otherwise.',
      ),
  },
  'The network. Its output channels and their activation follow from the workflow (problem.type), not from here.',
);
