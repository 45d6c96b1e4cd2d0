import { extractBox, toFloat32 } from '@biaflow/image';
import { predict, type LoadedModel, type NdArray } from '../core-api';
import { channelsFirstPerm, transpose } from '../layout';
import { testSize, type SpatialRule } from './axes';

/** Largest test tensor per spatial axis (`[y, x]`, `[z, y, x]`): the training patch when larger. */
export function testTensorCaps(ndim: 2 | 3, patch: readonly number[] | null): number[] {
  const base = ndim === 3 ? [32, 128, 128] : [256, 256];
  return base.map((b, d) => Math.max(b, patch?.[d] ?? 0));
}

export interface TestTensors {
  /** The test input in model layout, raw values: `[(z,) y, x, c]` float32. */
  inputModel: NdArray<Float32Array>;
  /** biaflow's output for it: `[(z,) y, x, c']`, or the class scores `[k]`. */
  outputModel: NdArray<Float32Array>;
  /** The same in the package's layout: `[1, c, (z,) y, x]`. */
  input: NdArray<Float32Array>;
  /** `[1, c', (z,) y, x]`, or `[1, k]`. */
  output: NdArray<Float32Array>;
}

/** `[...spatial, c]` → `[1, c, ...spatial]`. */
function channelsFirst(a: NdArray<Float32Array>): NdArray<Float32Array> {
  const shape = [1, ...a.shape];
  const perm = channelsFirstPerm(shape.length);
  return { data: transpose(a.data, shape, perm), shape: perm.map((p) => shape[p]) };
}

/**
 * The test tensors of a package, from a real image in model layout (`[(z,) y, x, c]`, raw values):
 * its centred box of a valid input size (mirrored where the image is smaller), as float32, and the
 * output biaflow computes for that box — the bundle's own normalization (statistics measured on
 * the box, which is the whole image the package is given) and the tfjs network in one pass.
 */
export async function makeTestTensors(loaded: LoadedModel, image: NdArray, rules: readonly SpatialRule[], caps: readonly number[]): Promise<TestTensors> {
  const ndim = loaded.meta.ndim;
  const spatial = image.shape.slice(0, ndim);
  const size = rules.map((r, d) => testSize(r.size, spatial[d], caps[d]));
  const origin = spatial.map((n, d) => Math.floor((n - size[d]) / 2));
  const inputModel = toFloat32(extractBox(image, ndim, origin, size), true);
  const outputModel = await predict(loaded, inputModel);
  const output = outputModel.shape.length === 1 ? { data: outputModel.data, shape: [1, outputModel.shape[0]] } : channelsFirst(outputModel);
  return { inputModel, outputModel, input: channelsFirst(inputModel), output };
}
