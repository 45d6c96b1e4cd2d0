import { doubleConv, dropoutAt, poolFactors, type LayerFactory, type Node, type TfjsNetworkBuild } from '@biaflow/engine-tfjs';

/** The name of node X(i,j) of the grid: level `i` (0 = full resolution), column `j` (0 = the encoder). */
export function nodeName(level: number, column: number): string {
  return `x${level}_${column}`;
}

/**
 * U-Net++ (Zhou, Rahman Siddiquee, Tajbakhsh & Liang, "UNet++: A Nested U-Net Architecture for
 * Medical Image Segmentation", DLMIA 2018), in 2D and 3D.
 *
 * The nodes form a triangle: X(i,0) is the encoder (two convolutions at level `i`, max pooling
 * between levels); every other node X(i,j) convolves the concatenation of all the nodes before it
 * on its level, X(i,0) … X(i,j−1), with the upsampled node below it, X(i+1,j−1). The skip paths are
 * thus nested dense paths instead of U-Net's single jump from encoder to decoder, which bridges the
 * semantic gap between the two. The output is a 1×1 convolution of X(0,depth−1), the top of the
 * deepest column: the paper's "accurate mode" without deep supervision.
 *
 * Every option of the `model:` section applies as it does to biaflow's own U-Nets: `feature_maps`
 * (filters of level `i`, and the depth), `normalization`, `activation`, `dropout` (per level),
 * `kernel_size`, `upsampling` (transposed convolution or resize + convolution), `z_down` (3D), `seed`.
 */
export const buildUNetPlusPlus: TfjsNetworkBuild = (f: LayerFactory) => {
  const o = f.options;
  const depth = o.featureMaps.length;
  const grid: Node[][] = o.featureMaps.map(() => []);
  const block = (x: Node, level: number, column: number): Node => doubleConv(f, x, nodeName(level, column), o.featureMaps[level], dropoutAt(o, level));

  const input = f.input();
  // Column 0, the encoder: X(i,0) from the pooled X(i−1,0).
  for (let level = 0; level < depth; level++) {
    const below = level === 0 ? input : f.pool(grid[level - 1][0], `${nodeName(level - 1, 0)}_pool`, poolFactors(o, level - 1));
    grid[level][0] = block(below, level, 0);
  }
  // Columns 1 … depth−1, each one node shorter than the one before it.
  for (let column = 1; column < depth; column++) {
    for (let level = 0; level + column < depth; level++) {
      const name = nodeName(level, column);
      const filters = o.featureMaps[level];
      const factors = poolFactors(o, level);
      const deeper = grid[level + 1][column - 1];
      const up =
        o.upsampling === 'transpose'
          ? f.upConv(deeper, `${name}_up`, filters, factors)
          : f.convNormAct(f.upsample(deeper, `${name}_resize`, factors), `${name}_up`, filters);
      grid[level][column] = block(f.concat([...grid[level].slice(0, column), up], `${name}_concat`), level, column);
    }
  }
  const out = f.act(f.conv(grid[0][depth - 1], 'head_conv', o.outputChannels, 1), 'head', o.outputActivation);
  return f.tf.model({ inputs: input, outputs: out, name: o.architecture });
};
