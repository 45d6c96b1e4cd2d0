#!/usr/bin/env node
// The figures of the core split (issue 22), measured on the tree as it is (build first: `npx tsc -b`):
//
//   - lines of packages/core/src: every .ts file, comments and blank lines included (as `wc -l`);
//   - imports running against the layering table (scripts/layering.json), type-only ones included;
//   - import cycles, type-only imports included: between packages, between core's folders, between
//     files (and, between files, those left at run time: value imports only);
//   - reads of a workflow declaration's fields outside its WorkflowDriver, in every package's src/
//     (scripts/workflow-reads.cjs says precisely what counts);
//   - browser bundle sizes of @biaflow/io/codecs, @biaflow/image and @biaflow/engine-tfjs/browser
//     (scripts/bundle-sizes.mjs: esbuild, minified, tfjs external).
//
//   node scripts/split-figures.mjs [--json]        (npm run figures:split)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const layers = require('./layering.cjs');
const { workflowFieldReads } = require('./workflow-reads.cjs');

// Lines of core's sources, as `wc -l` counts them (newline characters).
const coreFiles = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.ts')) coreFiles.push(p);
  }
})(path.join(repo, 'packages/core/src'));
let coreLines = 0;
for (const f of coreFiles) for (const byte of fs.readFileSync(f)) if (byte === 10) coreLines++;

const graph = layers.sourceGraph(repo);
const layering = layers.readLayering(repo);
const violations = layers.layeringViolations(graph, layering);
const packageCycles = layers.cycles(layers.packageAdjacency(graph));
const folderCycles = layers.cycles(layers.coreFolderAdjacency(graph));
const fileCycles = layers.cycles(layers.fileEdges(graph));
const runtimeFileCycles = layers.cycles(layers.fileEdges(graph, { valueOnly: true }));

const reads = workflowFieldReads(
  repo,
  graph.files.map((f) => f.file),
);

const bundles = JSON.parse(execFileSync(process.execPath, [path.join(repo, 'scripts/bundle-sizes.mjs'), '--json'], { cwd: repo, encoding: 'utf8' }));
const wanted = ['@biaflow/io/codecs', '@biaflow/image', '@biaflow/engine-tfjs/browser'];
const sizes = wanted.map((entry) => bundles.find((b) => b.entry === entry)).filter(Boolean);

const figures = {
  coreSourceLines: coreLines,
  coreSourceFiles: coreFiles.length,
  layeringViolations: violations.length,
  cycles: {
    packages: packageCycles.length,
    coreFolders: folderCycles.length,
    files: fileCycles.length,
    filesAtRunTime: runtimeFileCycles.length,
  },
  workflowFieldReadsOutsideDriver: reads.length,
  workflowFieldReadsOnDeclarationObjects: reads.filter((r) => r.direct).length,
  bundles: Object.fromEntries(sizes.map((s) => [s.entry, { bytes: s.bytes, gzip: s.gzip }])),
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ ...figures, details: { violations, fileCycles, reads } }, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const row = (label, value) => console.log(`${label.padEnd(64)} ${value}`);
  console.log('figures of the core split (measured now)\n');
  row('lines of packages/core/src (*.ts, wc -l, comments included)', `${coreLines} in ${coreFiles.length} files`);
  row('imports against the layering table (scripts/layering.json)', violations.length);
  for (const v of violations) console.log(`  ${v}`);
  console.log('import cycles, type-only imports included:');
  row('  between packages', packageCycles.length);
  row('  between the folders of packages/core/src', folderCycles.length);
  row('  between files', fileCycles.length);
  for (const c of fileCycles) console.log(`    ${c.length} files: ${c.map((f) => f.replace('packages/core/src/', '')).join(', ')}`);
  row('  between files, value imports only (what runs)', runtimeFileCycles.length);
  row('workflow declaration fields read outside the WorkflowDriver', `${reads.length} (on ${new Set(reads.map((r) => `${r.file}:${r.line}`)).size} lines)`);
  row('  of which on an object typed as the declaration itself', reads.filter((r) => r.direct).length);
  row('  of which through a type made from it (Pick<…>; a driver fits)', reads.filter((r) => !r.direct).length);
  const byLine = new Map();
  for (const r of reads) {
    const key = `${r.file}:${r.line}`;
    byLine.set(key, [...(byLine.get(key) ?? []), `${r.field}${r.direct ? '' : ' (Pick)'}`]);
  }
  for (const [where, fields] of byLine) console.log(`  ${where}  ${fields.join(', ')}`);
  console.log('browser bundles (esbuild, minified, ESM; tfjs external):');
  for (const s of sizes) row(`  ${s.entry}`, `${s.bytes} bytes (${kb(s.bytes)}), gzip ${s.gzip} (${kb(s.gzip)})`);
}
