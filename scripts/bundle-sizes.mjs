#!/usr/bin/env node
// What biaflow's browser-side packages weigh in a web app: each entry bundled for the browser by
// esbuild, minified, as an app's bundler would take it (the package's export, as built — run
// `npx tsc -b` first), with tfjs left out (the app brings its own copy: a peer dependency, the same
// whichever biaflow parts it uses). Prints bytes and gzip bytes (level 9) per entry, and the
// minified bytes each package contributes.
//
//   node scripts/bundle-sizes.mjs [--json]
//
// Exits 1 when an entry does not bundle for the browser (something of Node crept in).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repo, 'package.json'));

const ENTRIES = ['@biaflow/image', '@biaflow/io/codecs', '@biaflow/engine-tfjs/browser'];

const sizes = [];
for (const entry of ENTRIES) {
  let result;
  try {
    result = await build({
      entryPoints: [require.resolve(entry)],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      external: ['@tensorflow/*'],
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: repo,
    });
  } catch (e) {
    console.error(`${entry} does not bundle for the browser:\n${e.message}`);
    process.exit(1);
  }
  const code = result.outputFiles[0].contents;
  const inputs = Object.keys(result.metafile.inputs);
  const output = Object.values(result.metafile.outputs)[0];
  const outside = [...new Set(output.imports.map((i) => i.path))];
  // Minified bytes per package inside the bundle (biaflow's packages by folder, others by npm name).
  const parts = {};
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const [top, name] = file.split('/');
    const part = top === 'packages' ? `@biaflow/${name}` : top === 'node_modules' ? name : file;
    parts[part] = (parts[part] ?? 0) + bytesInOutput;
  }
  sizes.push({
    entry,
    bytes: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    files: inputs.length,
    // Third-party packages inside the bundle (biaflow's own packages not counted).
    packages: [...new Set(inputs.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]))].sort(),
    external: outside,
    parts: Object.fromEntries(Object.entries(parts).sort((a, b) => b[1] - a[1])),
  });
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(sizes, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log('browser bundles (esbuild, minified, ESM; tfjs external)\n');
  console.log(`${'entry'.padEnd(30)} ${'bytes'.padStart(9)} ${''.padStart(12)} ${'gzip'.padStart(8)} ${''.padStart(11)}  files  packages inside; external`);
  for (const s of sizes) {
    const extra = [s.packages.join(', '), s.external.length ? `external: ${s.external.join(', ')}` : ''].filter(Boolean).join('; ');
    console.log(`${s.entry.padEnd(30)} ${String(s.bytes).padStart(9)} ${`(${kb(s.bytes)})`.padStart(12)} ${String(s.gzip).padStart(8)} ${`(${kb(s.gzip)})`.padStart(11)}  ${String(s.files).padStart(5)}  ${extra || '-'}`);
    console.log(`${''.padEnd(30)} of which ${Object.entries(s.parts).map(([p, n]) => `${p} ${kb(n)}`).join(', ')}`);
  }
}
