// Loaded with `node --require` before the CLI by tests that bound its memory: when the process
// exits (normally or through process.exit), its peak resident set size in kilobytes
// (process.resourceUsage().maxRSS, the kernel's ru_maxrss) is written to BIAFLOW_TEST_MAX_RSS_FILE.
const fs = require('node:fs');
process.on('exit', () => {
  const file = process.env.BIAFLOW_TEST_MAX_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
