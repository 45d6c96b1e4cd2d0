import {
  BioimageioError,
  fromModelLayout,
  isParameterizedSize,
  postprocess,
  predictTiled,
  preprocess,
  tilingRules,
  toModelLayout,
  type AxesTensor,
  type ModelDescription,
  type NdArray as ZooArray,
  type TileAxisRule,
} from '@biaflow/bioimageio';
import type { BundleMeta, Network, NdArray } from '../core-api';
import type { OnnxSession } from '../runtime/onnx-session-runner';
import { asInputError } from './zoo-errors';

/** Largest tile per space axis for inputs of any size (`{min, step}`): bigger images are tiled with the halo. */
export const MAX_TILE = { 2: 1024, 3: 128 } as const;

/** True when the image can go through the network in one pass: every axis has a size the input takes. */
function fitsInOnePass(spatial: readonly number[], rules: readonly TileAxisRule[], ndim: 2 | 3): boolean {
  return rules.every((r, a) => {
    const n = spatial[a];
    if (typeof r.size === 'number') return n === r.size;
    return n >= r.size.min && (n - r.size.min) % r.size.step === 0 && n <= Math.max(MAX_TILE[ndim], r.size.min);
  });
}

export interface ZooNetworkOptions {
  description: ModelDescription;
  /** The description file, for messages (`pkg/bioimageio.yaml`). */
  file: string;
  meta: BundleMeta;
  /** Where the package is. */
  dir: string;
  session: OnnxSession;
  /** The run's `system.max_image_megavoxels`: an image whose input or output (all channels) would hold more is refused before it is processed. */
  maxMegavoxels: number;
}

/**
 * A zoo package's ONNX network as biaflow predicts with it: each whole image goes through the
 * package's own preprocessing (in its declared axis order, statistics over the whole image), then
 * the network in one pass when the image has a size the input takes, else tile by tile with the
 * declared halo (tiles read past the border mirrored, each tile's halo discarded), then the package's
 * postprocessing. Core's normalization and tiling are not used (`predictImage`).
 */
export function zooNetwork(o: ZooNetworkOptions): Network {
  const { description: d, file, meta, session } = o;
  const input = d.inputs[0];
  const output = d.outputs[0];
  const inAxes = input.axes;
  const outAxes = output.axes;
  const { rules } = tilingRules(d, { file });
  const run = async (tile: ZooArray): Promise<ZooArray> => {
    const [y] = await session.run([fromModelLayout(tile, inAxes, { field: 'inputs[0]', file })]);
    return toModelLayout(y, outAxes, { field: 'outputs[0]', file });
  };
  const ndim = meta.ndim;
  return {
    meta,
    dir: o.dir,
    engine: 'onnx',
    // The bare network on a batch in model layout (no pre- or postprocessing); core calls predictImage.
    async predict(batch) {
      return asInputError(async () => {
        const y = await run(batch);
        return { data: Float32Array.from(y.data as ArrayLike<number>), shape: y.shape };
      });
    },
    async predictImage(image: NdArray): Promise<NdArray<Float32Array>> {
      return asInputError(async () => {
        const channels = image.shape[image.shape.length - 1];
        if (channels !== meta.input_channels) {
          throw new BioimageioError(`the image has ${channels} channel(s), the model's input takes ${meta.input_channels}`, { file, field: 'inputs[0].axes' });
        }
        const voxels = image.shape.slice(0, -1).reduce((p, s) => p * s, 1);
        const widest = Math.max(meta.input_channels, meta.output_channels);
        if (voxels * widest > o.maxMegavoxels * 1e6) {
          throw new BioimageioError(
            `an image of ${image.shape.slice(0, -1).join('×')} pixels with ${widest} channels (the model's ${meta.output_channels > meta.input_channels ? 'output' : 'input'}) is ${Math.ceil((voxels * widest) / 1e6)} megavoxels, more than the limit of ${o.maxMegavoxels} (system.max_image_megavoxels); refused before it is processed`,
            { file, field: meta.output_channels > meta.input_channels ? 'outputs[0].axes' : 'inputs[0].axes', hint: `raise the limit if the model and image are meant to be this large: --set system.max_image_megavoxels=${Math.ceil((voxels * widest) / 1e6)}` },
          );
        }
        const declared = fromModelLayout({ data: image.data as ZooArray['data'], shape: [1, ...image.shape] }, inAxes, { field: 'inputs[0]', file });
        const references: Record<string, AxesTensor> = { [input.id]: { tensor: declared, axes: inAxes.map((a) => a.id) } };
        const prepared = toModelLayout(preprocess(input, declared, { field: 'inputs[0]', file, references }), inAxes, { field: 'inputs[0]', file });
        const spatial = prepared.shape.slice(1, -1);
        const raw = fitsInOnePass(spatial, rules, ndim)
          ? await run(prepared)
          : await predictTiled(prepared, { axes: rules, maxTile: rules.map((r) => (isParameterizedSize(r.size) ? MAX_TILE[ndim] : undefined)), run, field: 'inputs[0].axes' });
        const done = toModelLayout(postprocess(output, fromModelLayout(raw, outAxes, { field: 'outputs[0]', file }), { field: 'outputs[0]', file, references }), outAxes, {
          field: 'outputs[0]',
          file,
        });
        const out = done.data instanceof Float32Array ? done.data : Float32Array.from(done.data as ArrayLike<number>);
        return { data: out, shape: done.shape.slice(1) };
      });
    },
    dispose: () => session.release(),
  };
}
