import { BioimageioError } from './errors';
import { isParameterizedSize, isSizeReference } from './description/sizes';
import type { ModelDescription, SpaceAxis } from './description/types';
import { spatialAxes } from './layout';
import type { TileAxisRule } from './tiling';

/**
 * The tiling rules (`predictTiled`) of a model with one image input and outputs of the input's
 * spatial size: per spatial axis in model order, the input size rule and the largest output halo
 * (converted to input pixels). Refuses, naming the field, what tiling cannot handle: input sizes
 * given by references, outputs scaled or offset against the input.
 */
export function tilingRules(d: ModelDescription, options: { input?: number; file?: string } = {}): { axes: string[]; rules: TileAxisRule[] } {
  const i = options.input ?? 0;
  const input = d.inputs[i];
  const file = options.file;
  if (!input) throw new BioimageioError(`the model has no input ${i}`, { file, field: 'inputs' });
  const axes = spatialAxes(input.axes, { field: `inputs[${i}]`, file });
  const rules = axes.map((id): TileAxisRule => {
    const a = input.axes.findIndex((x) => x.id === id);
    const axis = input.axes[a] as SpaceAxis;
    if (isSizeReference(axis.size) || !(typeof axis.size === 'number' || isParameterizedSize(axis.size))) {
      throw new BioimageioError('tiling needs a fixed or {min, step} input size, not a reference to another axis', { file, field: `inputs[${i}].axes[${a}].size` });
    }
    let halo = 0;
    d.outputs.forEach((out, o) => {
      out.axes.forEach((oa, k) => {
        if (oa.type !== 'space' || !isSizeReference(oa.size) || oa.size.tensor_id !== input.id || oa.size.axis_id !== id) return;
        const field = `outputs[${o}].axes[${k}]`;
        if (oa.scale !== axis.scale || oa.size.offset !== 0) {
          throw new BioimageioError(
            `tiling needs outputs the size of the input; this axis is scaled (scale ${oa.scale} vs input ${axis.scale}) or offset (offset ${oa.size.offset})`,
            { file, field: `${field}.size` }
          );
        }
        halo = Math.max(halo, (oa.halo * oa.scale) / axis.scale);
      });
    });
    return { size: axis.size, halo };
  });
  return { axes, rules };
}
