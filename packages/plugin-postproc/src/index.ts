import { definePlugin, type BiaflowPlugin } from '@biaflow/core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

/** Post-processing methods and metrics. Each method registers as a named `postprocess:` step. */
export const postprocPlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply() {
      // Methods register here as they land.
    },
  }),
);

export default postprocPlugin;
