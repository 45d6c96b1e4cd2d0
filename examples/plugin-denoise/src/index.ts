import { definePlugin, Tokens, type BiaflowPlugin, type ConfigIssue, type RandomSource, type ResolvedConfig } from '@biaflow/core';
import { blindSpot, unmasked } from './blind-spot';
import { denoiseImage } from './denoise-image';
import { denoiseSection, denoiseSettings } from './denoise-section';
import { evaluateDenoise } from './evaluate-denoise';
import { noisyImages } from './images-layout';
import { maskedMse } from './masked-mse';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export { blindSpot, unmasked, type BlindSpotOptions } from './blind-spot';
export { psnr, ssim, rangeOf } from './quality';
export { maskedMse } from './masked-mse';
export { denoiseSection, denoiseSettings, type DenoiseSettings } from './denoise-section';
export { evaluateDenoise } from './evaluate-denoise';

/** What needs no data: the denoised image is mapped back through the image's statistics, which per-patch scope does not have. */
function checkConfig(config: ResolvedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.data.normalization.scope === 'patch') {
    issues.push({ path: 'data.normalization.scope', message: 'is patch; denoising maps its output back to the image\'s intensities, so use image or dataset' });
  }
  if (config.data.channels !== undefined && config.data.channels !== 1) {
    issues.push({ path: 'data.channels', message: `is ${config.data.channels}; this workflow denoises one-channel images` });
  }
  return issues;
}

const STARTER = `denoise:
  masking: true           # Noise2Void's blind spot; false learns the identity (a control)
  masked_fraction: 0.002  # pixels masked per training patch
`;

/**
 * Self-supervised denoising with Noise2Void (Krull, Buchholz & Jug, CVPR 2019), the way BiaPy's
 * "denoising" workflow does it: the network never sees a clean image. Each training patch gets a
 * few pixels replaced by a neighbour's value (blind spots); the loss is the squared error at those
 * pixels only, against their noisy values. Noise that is independent per pixel cannot be predicted
 * from the neighbours, the signal can: the network learns the signal.
 */
export const denoisePlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      kernel.registerWorkflow({
        name: 'denoise',
        description: 'Self-supervised denoising (Noise2Void): blind-spot masking, masked MSE, a float image per input, PSNR and SSIM',
        section: { key: 'denoise', schema: denoiseSection },
        checkConfig,
        data: noisyImages,
        prepareSample(sample, { run, seed }) {
          const ndim = run.config.problem.ndim;
          const image = sample.image as { data: Float32Array; shape: number[] };
          const settings = denoiseSettings(run.config);
          if (!settings.masking) return { ...sample, target: unmasked(image, ndim) };
          const random = run.container.resolve<RandomSource>(Tokens.Random).generator(seed, 'blind-spot');
          const { input, target } = blindSpot(image, { ndim, fraction: settings.masked_fraction, neighbourhood: settings.neighbourhood, random });
          return { ...sample, image: input, target };
        },
        network: () => ({
          head: { outputChannels: 1, outputActivation: 'linear' },
          channels: ['denoised'],
          defaultLoss: maskedMse,
          targetChannels: 2,
          metrics: [],
        }),
        infer: denoiseImage,
        // What its inference fills: a post-processing step that takes probabilities (threshold) is refused.
        gives: ['image'],
        output: 'image',
        evaluate: ({ run, pairs, io }) =>
          evaluateDenoise(pairs, {
            ndim: run.config.problem.ndim,
            dataRange: denoiseSettings(run.config).data_range,
            noisyImages: run.config.data.test.images,
            io,
          }),
        mainFigure: { key: 'psnr', label: 'PSNR (dB)' },
        summary: [
          { key: 'psnr', label: 'PSNR (dB)' },
          { key: 'psnr_gain', label: 'gain over the noisy input (dB)' },
          { key: 'ssim', label: 'SSIM' },
        ],
        starterConfig: STARTER,
      });
    },
  }),
);

export default denoisePlugin;
