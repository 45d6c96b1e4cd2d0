// Read at run time so the producer version written into exported models is the one installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string };

export const ENGINE_ONNX_NAME: string = pkg.name;
export const ENGINE_ONNX_VERSION: string = pkg.version;
