// Read at run time so the producer version written into exported models is the one installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

export const ENGINE_ONNX_NAME: string = pkg.name;
export const ENGINE_ONNX_VERSION: string = pkg.version;
export const ENGINE_ONNX_DESCRIPTION: string = pkg.description;
/** The @biaflow/core range the plugin works with (its peer dependency). */
export const ENGINE_ONNX_CORE_RANGE: string = pkg.peerDependencies['@biaflow/core'];
