import { BiaflowError, definePlugin, type BiaflowPlugin } from '@biaflow/core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

/** The instance workflow. Its stages are declared here; the training and inference work lands with the workflow issues. */
export const instancePlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      for (const hook of ['train', 'infer', 'evaluate'] as const) {
        kernel.hooks[hook].for('instance').tapPromise(pkg.name, async () => {
          throw new BiaflowError(`the instance workflow cannot ${hook} yet in ${pkg.name} ${pkg.version}`);
        });
      }
    },
  }),
);

export default instancePlugin;
