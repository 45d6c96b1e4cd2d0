#!/usr/bin/env node
// The package diagram of docs/design.md, generated from the imports of the TypeScript sources
// (type-only ones included) and the floors of scripts/layering.json; also lists any import that
// runs against that table.
//
//   node scripts/package-graph.mjs           print the generated section
//   node scripts/package-graph.mjs --write   replace it in docs/design.md (between the package-graph markers)
//   node scripts/package-graph.mjs --check   exit 1 when docs/design.md's section is not the generated one
//
// Exits 1 as well when an import runs against the layering table (each one is printed).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const layers = createRequire(import.meta.url)('./layering.cjs');

const graph = layers.sourceGraph(repo);
const layering = layers.readLayering(repo);
const generated = layers.renderDiagram(graph, layering);
const designPath = path.join(repo, 'docs/design.md');
const design = fs.readFileSync(designPath, 'utf8');

let status = 0;
if (process.argv.includes('--write')) {
  const updated = layers.replaceGenerated(design, generated);
  if (updated !== design) fs.writeFileSync(designPath, updated);
  console.log(updated !== design ? 'docs/design.md: diagram updated' : 'docs/design.md: diagram already up to date');
} else if (process.argv.includes('--check')) {
  if (layers.committedDiagram(design) !== generated) {
    console.error('docs/design.md: the package diagram is not the generated one; run `node scripts/package-graph.mjs --write`');
    status = 1;
  }
} else {
  console.log(generated);
}
for (const problem of layers.layeringViolations(graph, layering)) {
  console.error(`layering: ${problem}`);
  status = 1;
}
process.exit(status);
