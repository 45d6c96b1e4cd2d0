#!/usr/bin/env node
// The `biaflow` command. A plain file that exists before the TypeScript build, so npm links it at
// install time; the CLI itself is compiled to dist/.
'use strict';
try {
  require.resolve('../dist/bin.js');
} catch {
  process.stderr.write('error: biaflow is not built (dist/ is missing)\nhint: run `npm run build` in the biaflow repository\n');
  process.exit(2);
}
require('../dist/bin.js');
