import path from 'node:path';
import { InputError, stemOf, toModelLayout, type EvaluateEvent, type Image, type MetricsReport, type NdArray } from '@biaflow/core';
import { psnr, rangeOf, ssim } from './quality';

export interface DenoiseEvaluationOptions {
  ndim: 2 | 3;
  /** Fixed intensity range; default each clean image's max − min. */
  dataRange: number | null;
  /** The noisy inputs (`data.test.images`): each is scored too, so the gain shows. */
  noisyImages?: string;
  io: Pick<EvaluateEvent['io'], 'readImage' | 'listImageFiles'>;
}

/** One channel, spatial axes only, of an image read from a file. */
function grey(image: Image, ndim: 2 | 3, file: string): NdArray {
  const layout = toModelLayout(image, ndim, file);
  if (layout.shape[ndim] !== 1) throw new InputError(`has ${layout.shape[ndim]} channels; denoising scores one-channel images`, { file });
  return { data: layout.data, shape: layout.shape.slice(0, ndim) };
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, v) => a + v, 0) / values.length : null;
}

/**
 * PSNR and SSIM (scikit-image's definitions) of each denoised image against its clean image, and of
 * the noisy input when it is found, so each row and the overall means show the gain in dB.
 */
export async function evaluateDenoise(pairs: EvaluateEvent['pairs'], options: DenoiseEvaluationOptions): Promise<MetricsReport> {
  if (pairs.length === 0) {
    throw new InputError('no denoised image has a clean image of the same name to be scored against', {
      hint: 'put the clean images in data.test.labels, named as the noisy ones',
    });
  }
  const noisy = new Map<string, string>();
  if (options.noisyImages) for (const f of options.io.listImageFiles(options.noisyImages)) noisy.set(stemOf(f), f);
  const perImage: MetricsReport['per_image'] = [];
  for (const pair of pairs) {
    const clean = grey(await options.io.readImage(pair.groundTruthPath), options.ndim, pair.groundTruthPath);
    const denoised = grey(await options.io.readImage(pair.predictionPath), options.ndim, pair.predictionPath);
    if (clean.shape.join() !== denoised.shape.join()) {
      throw new InputError(`is ${denoised.shape.join('×')} but its clean image ${pair.groundTruthPath} is ${clean.shape.join('×')}`, { file: pair.predictionPath });
    }
    const range = options.dataRange ?? rangeOf(clean);
    const value = psnr(clean, denoised, range);
    const row: MetricsReport['per_image'][number] = { image: pair.name, psnr: value, ssim: ssim(clean, denoised, range) };
    const input = noisy.get(stemOf(pair.name));
    if (input) {
      const raw = grey(await options.io.readImage(input), options.ndim, input);
      const noisyPsnr = psnr(clean, raw, range);
      Object.assign(row, { psnr_noisy: noisyPsnr, ssim_noisy: ssim(clean, raw, range), psnr_gain: value - noisyPsnr });
    }
    perImage.push(row);
  }
  const column = (key: string) => perImage.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
  return {
    overall: {
      psnr: mean(column('psnr')),
      ssim: mean(column('ssim')),
      psnr_noisy: mean(column('psnr_noisy')),
      ssim_noisy: mean(column('ssim_noisy')),
      psnr_gain: mean(column('psnr_gain')),
      images: perImage.length,
    },
    per_image: perImage.map((r) => ({ ...r, image: path.basename(r.image) })),
  };
}
