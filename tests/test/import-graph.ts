import fs from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const layers = require('../../scripts/layering.cjs');

/**
 * The import graph of what the packages run: their compiled JavaScript (`dist/`, CommonJS), one
 * node per file, one edge per `require()` / `import()` of a relative path or of another workspace
 * package (pointing at that package's entry file, or at the file a subpath it exports names).
 * TypeScript erases imports used only as types, so references between type declarations (the
 * kernel and the contributions that receive it) are not edges; every edge here is a module that
 * must be loaded before the importing one can run, as `madge --circular` sees the built code.
 * The graph of the TypeScript sources, type-only imports included, is scripts/layering.cjs's.
 */
export interface ImportGraph {
  /** File (relative to the repository) → the files it imports. */
  edges: Map<string, string[]>;
}

const SPECIFIER = /require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function jsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return jsFiles(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

function resolveFile(base: string): string | undefined {
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  return undefined;
}

/** The graph over `dist/` of every (built) package directory given (`packages/*`, `examples/*`). */
export function importGraph(repo: string, packageDirs: string[]): ImportGraph {
  const entryOf = new Map<string, string>();
  for (const dir of packageDirs) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string | { default?: string }> };
    const entry = resolveFile(path.join(dir, 'dist', 'index'));
    if (entry) entryOf.set(pkg.name, entry);
    const internals = resolveFile(path.join(dir, 'dist', 'internals'));
    if (internals) entryOf.set(`${pkg.name}/internals`, internals);
    // Every other subpath the package exports (`@biaflow/core/errors`, `@biaflow/io/codecs`, …).
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const file = typeof target === 'string' ? target : target.default;
      if (subpath === '.' || !file?.endsWith('.js')) continue;
      const resolved = resolveFile(path.join(dir, file));
      if (resolved) entryOf.set(`${pkg.name}${subpath.slice(1)}`, resolved);
    }
  }
  const edges = new Map<string, string[]>();
  for (const dir of packageDirs) {
    for (const file of jsFiles(path.join(dir, 'dist'))) {
      const text = fs.readFileSync(file, 'utf8');
      const targets: string[] = [];
      for (const m of text.matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2];
        const target = spec.startsWith('.') ? resolveFile(path.resolve(path.dirname(file), spec)) : entryOf.get(spec);
        if (target) targets.push(path.relative(repo, target));
      }
      edges.set(path.relative(repo, file), [...new Set(targets)]);
    }
  }
  return { edges };
}

/**
 * Every cycle (as a strongly connected component of more than one file, or a file importing itself).
 * The same finder as the source graph's (scripts/layering.cjs, which also reads type-only imports:
 * tests/test/layering.test.ts).
 */
export function cycles(graph: ImportGraph): string[][] {
  return layers.cycles(graph.edges) as string[][];
}
