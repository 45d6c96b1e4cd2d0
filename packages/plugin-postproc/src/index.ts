import { definePlugin, type BiaflowPlugin } from '@biaflow/core';
import { registerSteps } from './steps';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

/**
 * Post-processing steps: each wraps a function of `@biaflow/image` as a named `postprocess:` step
 * with validated options.
 */
export const postprocPlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      registerSteps(kernel);
    },
  }),
);

export default postprocPlugin;
