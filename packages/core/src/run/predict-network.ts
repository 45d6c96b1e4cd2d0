import type { Image, NdArray } from '@biaflow/image';
import { recordFromBundle } from '../data/bundle-normalizers';
import { DEFAULT_NORMALIZATION } from '../data/normalization';
import { predictImage } from '../data/predict-image';
import { toModelLayout } from '../io/model-layout';
import type { Network } from '../kernel/contributions/inference-engine';
import type { RunContext } from '../kernel/run-context';

/**
 * The network output for one image of any size: model layout, the bundle's normalization, tiles
 * of the patch size the model was trained on (or `data.patch_size`) with `predict.*` overlap,
 * padding and batch, each batch run by the network's engine. Returns float32 `[..spatial, channels]`.
 */
export async function predictNetwork(run: RunContext, network: Network, image: Image, name = 'image'): Promise<NdArray<Float32Array>> {
  const { config } = run;
  const x = toModelLayout(image, config.problem.ndim, name);
  const settings = network.meta.normalization;
  return predictImage(x, (batch) => network.predict(batch), {
    patchSize: network.meta.patch_size ?? config.data.patch_size ?? [],
    overlap: config.predict.overlap,
    padding: config.predict.padding,
    batchSize: config.predict.batch_size,
    normalization: settings ? recordFromBundle(settings) : { ...DEFAULT_NORMALIZATION, method: 'none', version: 1 },
  });
}
