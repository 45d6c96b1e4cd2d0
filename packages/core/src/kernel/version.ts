// Read at run time so the version logged and checked against plugins is the one installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../package.json') as { name: string; version: string };

export const CORE_NAME: string = pkg.name;
export const CORE_VERSION: string = pkg.version;
