import { z, type ResolvedConfig } from '@biaflow/core';

/** The `denoise:` config section. Defaults follow Noise2Void (Krull et al. 2019) and its reference implementation. */
export const denoiseSection = z
  .strictObject({
    masking: z
      .boolean()
      .default(true)
      .describe('Blind-spot masking (Noise2Void). false trains on the noisy image itself: the network learns the identity (a control, not a denoiser).'),
    masked_fraction: z
      .number()
      .gt(0)
      .max(0.1)
      .default(0.002)
      .describe('Fraction of each training patch\'s pixels masked (one per cell of a grid of 1/fraction pixels, N2V\'s stratified sampling).'),
    neighbourhood: z
      .number()
      .int()
      .min(3)
      .max(15)
      .refine((n) => n % 2 === 1, 'must be odd')
      .default(5)
      .describe('Side of the window a masked pixel takes its replacement value from (a random other pixel of it).'),
    data_range: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('Intensity range for PSNR and SSIM; null = the range (max − min) of each clean image.'),
  })
  .prefault({})
  .describe('Self-supervised denoising (Noise2Void): how training patches are masked, and how results are scored against clean images.');

export type DenoiseSettings = z.output<typeof denoiseSection>;

export function denoiseSettings(config: ResolvedConfig): DenoiseSettings {
  return denoiseSection.parse(config.denoise ?? {});
}
