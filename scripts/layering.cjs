// The import graph of biaflow's TypeScript sources (`src/` of every package under packages/ and
// examples/), type-only imports included, and its check against the layering table
// (scripts/layering.json). Shared by scripts/package-graph.mjs (the diagram in docs/design.md),
// scripts/split-figures.mjs and tests/test/layering.test.ts, so the rule the test enforces, the
// diagram and the figures are read from the same place. CommonJS so that jest (tests) and Node
// (the .mjs scripts) both load it as it is.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** TypeScript, from the repository's node_modules (the parser only: no type checking here). */
function typescript(repo) {
  return require(require.resolve('typescript', { paths: [repo, __dirname] }));
}

/** The layering table (scripts/layering.json). */
function readLayering(repo) {
  return JSON.parse(fs.readFileSync(path.join(repo, 'scripts/layering.json'), 'utf8'));
}

/** Folders of the workspace packages (packages/*, examples/* with a package.json). */
function packageDirs(repo) {
  return ['packages', 'examples']
    .flatMap((parent) => fs.readdirSync(path.join(repo, parent)).map((d) => path.join(parent, d)))
    .filter((d) => fs.existsSync(path.join(repo, d, 'package.json')))
    .sort();
}

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return sourceFiles(p);
      return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
    })
    .sort();
}

/**
 * Every module specifier one source file names, with whether the import is type-only:
 * `import type`, `export type … from`, an import or re-export whose names are all `type`, and
 * `import('x').T` in a type are type-only; a plain import, a side-effect import, `import('x')` and
 * `require('x')` calls are not. (An import without `type` whose names are used only as types is
 * counted as a value import: telling needs the type checker, and it errs on the strict side.)
 */
function specifiersOf(ts, fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const add = (node, specifier, typeOnly) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier, typeOnly, line });
  };
  const allTypes = (elements) => elements.length > 0 && elements.every((e) => e.isTypeOnly);
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && named !== undefined && allTypes(named)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node, node.moduleSpecifier.text, node.isTypeOnly || (named !== undefined && allTypes(named)));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) add(node, expr.text, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveRelative(repo, fromFile, specifier) {
  const base = path.resolve(repo, path.dirname(fromFile), specifier.replace(/\.(js|ts)$/, ''));
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(repo, candidate);
  }
  return undefined;
}

/**
 * The source graph: every import of every `src/` file of the workspace packages.
 * Each import: { from, line, specifier, typeOnly, fromPackage, toPackage?, toFile? } — `toPackage`
 * for a workspace package (the importing one's own, for a relative path), `toFile` for a relative
 * path resolved to a source file.
 */
function sourceGraph(repo) {
  const ts = typescript(repo);
  const packages = new Map(); // name → dir
  for (const dir of packageDirs(repo)) packages.set(JSON.parse(fs.readFileSync(path.join(repo, dir, 'package.json'), 'utf8')).name, dir);
  const packageOfSpecifier = (spec) => {
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    return packages.has(name) ? name : undefined;
  };
  const files = [];
  const imports = [];
  for (const [name, dir] of packages) {
    for (const abs of sourceFiles(path.join(repo, dir, 'src'))) {
      const file = path.relative(repo, abs);
      files.push({ file, package: name });
      for (const s of specifiersOf(ts, abs, fs.readFileSync(abs, 'utf8'))) {
        const entry = { from: file, line: s.line, specifier: s.specifier, typeOnly: s.typeOnly, fromPackage: name };
        if (s.specifier.startsWith('.')) {
          entry.toPackage = name;
          entry.toFile = resolveRelative(repo, file, s.specifier);
        } else {
          entry.toPackage = packageOfSpecifier(s.specifier);
        }
        imports.push(entry);
      }
    }
  }
  return { packages, files, imports };
}

const CORE_SRC = 'packages/core/src/';

/** The layering unit of a file of core/src: its top folder (`kernel/`), or the file itself at the top (`errors.ts`). */
function coreFolderOf(file) {
  if (!file.startsWith(CORE_SRC)) return undefined;
  const rest = file.slice(CORE_SRC.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash + 1);
}

function floorIndex(floors) {
  const index = new Map();
  floors.forEach((floor, i) => floor.members.forEach((m) => index.set(m, i)));
  return index;
}

/** Edges between packages (other than to themselves): `from → to` with the imports that make them. */
function packageEdges(graph) {
  const edges = new Map();
  for (const i of graph.imports) {
    if (!i.toPackage || i.toPackage === i.fromPackage) continue;
    const key = `${i.fromPackage} -> ${i.toPackage}`;
    if (!edges.has(key)) edges.set(key, { from: i.fromPackage, to: i.toPackage, imports: [] });
    edges.get(key).imports.push(i);
  }
  return [...edges.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
}

/** Edges between core's folders: `from → to` with the imports that make them. */
function coreFolderEdges(graph) {
  const edges = new Map();
  for (const i of graph.imports) {
    if (!i.toFile) continue;
    const a = coreFolderOf(i.from);
    const b = coreFolderOf(i.toFile);
    if (!a || !b || a === b) continue;
    const key = `${a} -> ${b}`;
    if (!edges.has(key)) edges.set(key, { from: a, to: b, imports: [] });
    edges.get(key).imports.push(i);
  }
  return [...edges.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
}

const where = (i) => `${i.from}:${i.line} imports '${i.specifier}'${i.typeOnly ? ' (type-only)' : ''}`;

/**
 * Every import that runs against the table, as a sentence naming the file, line and rule; and
 * every package or core folder the table does not place (a new one must be placed).
 */
function layeringViolations(graph, layering) {
  const problems = [];
  const pkgFloor = floorIndex(layering.packages.floors);
  for (const name of graph.packages.keys()) {
    if (!pkgFloor.has(name)) problems.push(`package ${name} is on no floor of scripts/layering.json (place it)`);
  }
  for (const name of pkgFloor.keys()) {
    if (!graph.packages.has(name)) problems.push(`scripts/layering.json places ${name}, which is no workspace package (remove it)`);
  }
  for (const edge of packageEdges(graph)) {
    const a = pkgFloor.get(edge.from);
    const b = pkgFloor.get(edge.to);
    if (a === undefined || b === undefined || b < a) continue;
    for (const i of edge.imports) {
      problems.push(`${where(i)}: ${edge.to} is on ${b === a ? 'the same floor as' : 'a floor above'} ${edge.from} (floor ${b} vs ${a})`);
    }
  }
  for (const [subpath, rule] of Object.entries(layering.packages.restricted ?? {})) {
    for (const i of graph.imports) {
      if (!i.toPackage || i.toPackage === i.fromPackage || !i.specifier.endsWith(subpath)) continue;
      if (!rule.only.includes(i.fromPackage)) problems.push(`${where(i)}: only ${rule.only.join(', ')} may import ${subpath} entries (${rule.why})`);
    }
  }
  const folderFloor = floorIndex(layering.coreFolders.floors);
  const units = new Set(graph.files.map((f) => coreFolderOf(f.file)).filter(Boolean));
  for (const unit of units) {
    if (!folderFloor.has(unit)) problems.push(`packages/core/src/${unit} is on no floor of scripts/layering.json (place it)`);
  }
  for (const unit of folderFloor.keys()) {
    if (!units.has(unit)) problems.push(`scripts/layering.json places packages/core/src/${unit}, which has no source file (remove it)`);
  }
  for (const edge of coreFolderEdges(graph)) {
    const a = folderFloor.get(edge.from);
    const b = folderFloor.get(edge.to);
    if (a === undefined || b === undefined || b < a) continue;
    for (const i of edge.imports) {
      problems.push(`${where(i)}: core's ${edge.to} is on ${b === a ? 'the same floor as' : 'a floor above'} ${edge.from} (floor ${b} vs ${a})`);
    }
  }
  return problems;
}

/** Imports of another workspace package that the importing package's package.json does not declare (dependencies or peerDependencies). */
function undeclaredImports(repo, graph) {
  const problems = [];
  for (const edge of packageEdges(graph)) {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, graph.packages.get(edge.from), 'package.json'), 'utf8'));
    if (edge.to in { ...pkg.dependencies, ...pkg.peerDependencies }) continue;
    problems.push(`${where(edge.imports[0])}: ${edge.from} does not list ${edge.to} in its package.json dependencies or peerDependencies`);
  }
  return problems;
}

/** File → files it imports (relative paths inside a package); `valueOnly` leaves type-only imports out. */
function fileEdges(graph, { valueOnly = false } = {}) {
  const edges = new Map(graph.files.map((f) => [f.file, []]));
  for (const i of graph.imports) {
    if (!i.toFile || (valueOnly && i.typeOnly)) continue;
    const list = edges.get(i.from);
    if (!list.includes(i.toFile)) list.push(i.toFile);
  }
  return edges;
}

/** Node → nodes it imports, for the packages. */
function packageAdjacency(graph) {
  const edges = new Map([...graph.packages.keys()].map((p) => [p, []]));
  for (const e of packageEdges(graph)) edges.get(e.from).push(e.to);
  return edges;
}

/** Node → nodes it imports, for core's folders. */
function coreFolderAdjacency(graph) {
  const edges = new Map();
  for (const f of graph.files) {
    const unit = coreFolderOf(f.file);
    if (unit && !edges.has(unit)) edges.set(unit, []);
  }
  for (const e of coreFolderEdges(graph)) edges.get(e.from).push(e.to);
  return edges;
}

/**
 * Every cycle of a graph (node → nodes it imports): its strongly connected components of more
 * than one node, and nodes importing themselves; each sorted, the list sorted.
 */
function cycles(edges) {
  // Tarjan's strongly connected components, iterative (no recursion limit on long chains).
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const found = [];
  let counter = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const t = targets[frame.next++];
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          work.push({ node: t, next: 0 });
        } else if (onStack.has(t)) low.set(frame.node, Math.min(low.get(frame.node), index.get(t)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = [];
        let n;
        do {
          n = stack.pop();
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        const selfLoop = component.length === 1 && (edges.get(n) ?? []).includes(n);
        if (component.length > 1 || selfLoop) found.push(component.sort());
      }
    }
  }
  return found.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const MARK_START = '<!-- package-graph:start -->';
const MARK_END = '<!-- package-graph:end -->';

const mermaidId = (name) => name.replace(/^@biaflow\//, 'bf_').replace(/[^A-Za-z0-9_]/g, '_');

/** One mermaid flowchart, bottom to top: a subgraph per floor, an arrow per edge (dotted when every import behind it is type-only). */
function mermaid(floors, edges, shown) {
  const lines = ['```mermaid', 'flowchart BT'];
  floors.forEach((floor, i) => {
    const members = floor.members.filter(shown);
    if (!members.length) return;
    lines.push(`  subgraph floor${i}["${i} · ${floor.name}"]`);
    for (const m of members) lines.push(`    ${mermaidId(m)}["${m}"]`);
    lines.push('  end');
  });
  for (const e of edges) {
    if (!shown(e.from) || !shown(e.to)) continue;
    lines.push(`  ${mermaidId(e.from)} ${e.imports.every((i) => i.typeOnly) ? '-.->' : '-->'} ${mermaidId(e.to)}`);
  }
  lines.push('```');
  return lines;
}

/** A table: floor, member, what it imports (edges only, no counts: the diagram changes when an edge does, not with every import). */
function importTable(floors, edges, heading) {
  const lines = [`| floor | ${heading} | imports (_types_: only type-only imports) |`, '| --- | --- | --- |'];
  floors.forEach((floor, i) => {
    for (const m of floor.members) {
      const out = edges.filter((e) => e.from === m).map((e) => `\`${e.to}\`${e.imports.every((x) => x.typeOnly) ? ' _types_' : ''}`);
      lines.push(`| ${i} | \`${m}\` | ${out.join(', ') || '—'} |`);
    }
  });
  return lines;
}

/** The generated part of docs/design.md (between the markers, markers included). */
function renderDiagram(graph, layering) {
  const pkgEdges = packageEdges(graph);
  const folderEdges = coreFolderEdges(graph);
  const isEntry = (unit) => unit === 'index.ts' || unit === 'internals.ts';
  return [
    MARK_START,
    '<!-- Generated by `node scripts/package-graph.mjs --write` from the imports of every src/*.ts (type-only ones included) and the floors of scripts/layering.json. Do not edit by hand: tests/test/layering.test.ts compares it. -->',
    '',
    'Packages (an arrow is "imports"; dotted: only type-only imports):',
    '',
    ...mermaid(layering.packages.floors, pkgEdges, () => true),
    '',
    ...importTable(layering.packages.floors, pkgEdges, 'package'),
    '',
    'Folders of `packages/core/src` (the two entries, `index.ts` and `internals.ts`, which re-export from every folder, are left out of the picture):',
    '',
    ...mermaid(layering.coreFolders.floors, folderEdges, (unit) => !isEntry(unit)),
    '',
    ...importTable(layering.coreFolders.floors, folderEdges, 'folder or file'),
    MARK_END,
  ].join('\n');
}

/** docs/design.md with its generated part replaced by `generated`. */
function replaceGenerated(text, generated) {
  const a = text.indexOf(MARK_START);
  const b = text.indexOf(MARK_END);
  if (a < 0 || b < a) throw new Error(`docs/design.md has no ${MARK_START} … ${MARK_END} section`);
  return text.slice(0, a) + generated + text.slice(b + MARK_END.length);
}

/** The generated part as docs/design.md holds it now. */
function committedDiagram(text) {
  const a = text.indexOf(MARK_START);
  const b = text.indexOf(MARK_END);
  return a < 0 || b < a ? undefined : text.slice(a, b + MARK_END.length);
}

module.exports = {
  readLayering,
  packageDirs,
  specifiersOf,
  sourceGraph,
  coreFolderOf,
  packageEdges,
  coreFolderEdges,
  layeringViolations,
  undeclaredImports,
  fileEdges,
  packageAdjacency,
  coreFolderAdjacency,
  cycles,
  typescript,
  renderDiagram,
  replaceGenerated,
  committedDiagram,
};
