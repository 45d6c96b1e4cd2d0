import { definePlugin, type BiaflowPlugin } from '@biaflow/core';
import { poolingLevels, sizeDivisor, type TfjsNetwork } from '@biaflow/engine-tfjs';
import { buildUNetPlusPlus } from './unetpp';

export { buildUNetPlusPlus, nodeName } from './unetpp';

/**
 * The network as biaflow sees it: per-voxel output (so every workflow that predicts a map can use
 * it), one downsampling between consecutive levels as in biaflow's U-Nets (so `model.z_down` has
 * `feature_maps.length − 1` values), and inputs padded to the product of the pooling factors.
 */
export const unetpp: TfjsNetwork = {
  name: 'unetpp',
  description: 'U-Net++ (Zhou et al. 2018): nested, densely connected skip paths between encoder and decoder',
  output: 'spatial',
  levels: (layout) => poolingLevels(layout),
  sizeDivisor: (layout) => sizeDivisor(layout),
  build: buildUNetPlusPlus,
};

// A network plugin needs @biaflow/core for the plugin contract and the engine that builds the
// network (@biaflow/engine-tfjs: its layer factory and blocks), both as peers: the person's biaflow
// provides them. Once applied, `model.architecture: unetpp` works in any workflow's config.
export default definePlugin(
  (): BiaflowPlugin => ({
    name: 'biaflow-plugin-unetpp',
    version: '1.0.0',
    core: '^0.1.0',
    description: 'U-Net++: a network with nested skip paths',
    apply(kernel) {
      kernel.registerNetwork(unetpp);
    },
  }),
);
