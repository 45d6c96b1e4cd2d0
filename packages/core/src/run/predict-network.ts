import type { Image, NdArray } from '@biaflow/image';
import { ttaTransforms } from '@biaflow/image';
import { recordFromBundle } from '@biaflow/image';
import { DEFAULT_NORMALIZATION } from '@biaflow/image';
import { predictImage } from '@biaflow/image';
import { toModelLayout } from '@biaflow/image';
import type { Network } from '../kernel/contributions/inference-engine';
import type { ProgressSink, ProgressTask } from '../kernel/contributions/progress';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import { letSignalsIn, stopIfAsked } from '@biaflow/fs';

/** Runs that have said test-time augmentation is on (said once per run, not once per image). */
const announced = new WeakSet<RunContext>();

/**
 * The network output for one image of any size: model layout, the bundle's normalization, tiles
 * of the patch size the model was trained on (or `data.patch_size`) with `predict.*` overlap,
 * padding and batch, each batch run by the network's engine — under test-time augmentation when
 * `predict.tta` is on (every flip and 90° rotation of each tile, inverted and averaged). Returns
 * float32 `[..spatial, channels]`. A network with its own `predictImage` (a model format's) predicts
 * the whole image itself.
 */
export async function predictNetwork(run: RunContext, network: Network, image: Image, name = 'image'): Promise<NdArray<Float32Array>> {
  const { config } = run;
  const x = toModelLayout(image, config.problem.ndim, name);
  // A network that tiles and normalizes by its own format's rules gets the whole image.
  if (network.predictImage) return network.predictImage(x);
  const settings = network.meta.normalization;
  const patchSize = network.meta.patch_size ?? config.data.patch_size ?? [];
  const tta = config.predict.tta === true;
  if (tta && !announced.has(run) && patchSize.length === config.problem.ndim) {
    announced.add(run);
    // Every tile has the patch size, so every tile gets the same transforms.
    const transforms = ttaTransforms([...patchSize, x.shape[x.shape.length - 1]], config.problem.ndim).map((t) => t.name);
    run.logger.info(
      { event: 'tta', transforms, tile: patchSize },
      `test-time augmentation on: each ${patchSize.join('×')} tile is predicted ${transforms.length} times (${transforms.join(', ')}), transformed back and averaged`,
    );
  }
  // The tiles of a large image are a task of their own (an image of one tile is not worth a bar).
  let tiles: ProgressTask | undefined;
  try {
    const predictBatch = async (batch: Parameters<Network['predict']>[0]) => {
      // Between batches, a Ctrl-C reaches its handler (see letSignalsIn).
      await letSignalsIn();
      return network.predict(batch);
    };
    return await predictImage(x, predictBatch, {
      patchSize,
      overlap: config.predict.overlap,
      padding: config.predict.padding,
      batchSize: config.predict.batch_size,
      normalization: settings ? recordFromBundle(settings) : { ...DEFAULT_NORMALIZATION, method: 'none', version: 1 },
      tta,
      onProgress: (done, total) => {
        if (total > 1) {
          tiles ??= run.container.resolve<ProgressSink>(Tokens.Progress).start({ id: `tiles-${name}`, label: `${name} tiles`, total, unit: 'tiles' });
          tiles.update(done);
        }
        // An image stopped part-way has no result yet: --resume predicts it again, from its first tile.
        if (done < total) stopIfAsked(run.signal, () => ({ at: `while predicting ${name} (tile ${done} of ${total})` }));
      },
    });
  } finally {
    tiles?.end();
  }
}
