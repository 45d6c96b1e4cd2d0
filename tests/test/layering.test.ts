import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The layering rule (scripts/layering.json) on the TypeScript sources, type-only imports included;
// scripts/layering.cjs is shared with scripts/package-graph.mjs and scripts/split-figures.mjs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const layers = require('../../scripts/layering.cjs');

const repo = path.resolve(__dirname, '../..');

interface Import {
  from: string;
  line: number;
  specifier: string;
  typeOnly: boolean;
  fromPackage: string;
  toPackage?: string;
  toFile?: string;
}

const graph = layers.sourceGraph(repo) as { packages: Map<string, string>; files: { file: string }[]; imports: Import[] };
const layering = layers.readLayering(repo);

test('the source graph reads every package, and type-only imports as such', () => {
  expect(graph.packages.size).toBeGreaterThanOrEqual(20);
  expect(graph.files.length).toBeGreaterThan(400);
  expect(graph.imports.length).toBeGreaterThan(2000);
  // kernel.ts imports its contributions' types only as types, and the workflow driver as a value.
  const kernelImports = graph.imports.filter((i) => i.from === 'packages/core/src/kernel/kernel.ts');
  expect(kernelImports.find((i) => i.specifier === './contributions/command')?.typeOnly).toBe(true);
  expect(kernelImports.find((i) => i.specifier === './workflow-driver')?.typeOnly).toBe(false);
  // Every relative import resolves to a source file of the package (or is its package.json).
  const unresolved = graph.imports.filter((i) => i.specifier.startsWith('.') && !i.toFile && !i.specifier.endsWith('.json'));
  expect(unresolved).toEqual([]);
});

test('every import of the sources, type-only ones included, follows the layering table', () => {
  // Each problem names the file, the line and the floors; fix the import, or move the package in scripts/layering.json.
  expect(layers.layeringViolations(graph, layering)).toEqual([]);
});

test('no cycle between packages, nor between the folders of core (type-only imports included)', () => {
  expect(layers.cycles(layers.packageAdjacency(graph))).toEqual([]);
  expect(layers.cycles(layers.coreFolderAdjacency(graph))).toEqual([]);
  // The folder graph is real: run/ imports the kernel, the CLI the run pipeline.
  expect(layers.coreFolderAdjacency(graph).get('run/')).toContain('kernel/');
  expect(layers.coreFolderAdjacency(graph).get('cli/')).toContain('run/');
});

test('no cycle between files, type-only imports included (the kernel names the types above it through named-above.ts)', () => {
  expect(layers.cycles(layers.fileEdges(graph))).toEqual([]);
  expect(layers.cycles(layers.fileEdges(graph, { valueOnly: true }))).toEqual([]);
});

test('every import of another package is declared in the importing package.json', () => {
  expect(layers.undeclaredImports(repo, graph)).toEqual([]);
});

test('every package and every folder of core/src opens with a README saying what it may import', () => {
  const folders = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...folders(path.join(dir, e.name))] : []));
  const places = [...graph.packages.values(), ...folders(path.join(repo, 'packages/core/src')).map((d) => path.relative(repo, d))];
  expect(places.length).toBeGreaterThan(30);
  const missing = places.filter((dir) => {
    const readme = path.join(repo, dir, 'README.md');
    return !fs.existsSync(readme) || !/\*\*May import:\*\*/.test(fs.readFileSync(readme, 'utf8').split('\n## ')[0]);
  });
  // Each README says, before its first section, what lives there, what it **May import:** and what a contributor may change.
  expect(missing).toEqual([]);
});

test('docs/design.md holds the diagram generated from the imports', () => {
  const design = fs.readFileSync(path.join(repo, 'docs/design.md'), 'utf8');
  // When this fails, run `node scripts/package-graph.mjs --write` and commit docs/design.md.
  expect(layers.committedDiagram(design)).toBe(layers.renderDiagram(graph, layering));
});

describe('the checker finds what runs against the table', () => {
  let dir: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  const pkg = (folder: string, name: string) => write(`${folder}/package.json`, JSON.stringify({ name }));

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-layering-'));
    pkg('packages/image', '@biaflow/image');
    pkg('packages/core', '@biaflow/core');
    pkg('packages/io', '@biaflow/io');
    pkg('packages/plugin-x', '@biaflow/plugin-x');
    pkg('examples/stray', 'biaflow-plugin-stray');
    write('packages/image/src/index.ts', "export type Shape = number[];\n");
    // A type-only import upwards (only a type reference, gone from dist/) is as wrong as a value import.
    write('packages/image/src/types.ts', "import type { Kernel } from '@biaflow/core';\nexport type K = Kernel;\n");
    write('packages/image/src/lazy.ts', "export type P = import('@biaflow/io').Reader;\n");
    write('packages/core/src/errors.ts', "export class E extends Error {}\n");
    write('packages/core/src/kernel/kernel.ts', "import { E } from '../errors';\nimport type { Loaded } from '../run/run';\nexport class Kernel { e = E; l?: Loaded }\n");
    write('packages/core/src/run/run.ts', "import { Kernel } from '../kernel/kernel';\nexport type Loaded = Kernel;\n");
    write('packages/core/src/internals.ts', "export * from './kernel/kernel';\n");
    write('packages/io/src/index.ts', "import { Kernel } from '@biaflow/core/internals';\nimport { x } from '@biaflow/plugin-x';\nexport type Reader = typeof x | Kernel;\n");
    write('packages/plugin-x/src/index.ts', "import { Kernel } from '@biaflow/core/internals';\nexport const x = Kernel;\n");
    write('examples/stray/src/index.ts', "export {};\n");
    write(
      'scripts/layering.json',
      JSON.stringify({
        packages: {
          floors: [
            { name: 'a', members: ['@biaflow/image'] },
            { name: 'b', members: ['@biaflow/core'] },
            { name: 'c', members: ['@biaflow/io'] },
            { name: 'd', members: ['@biaflow/plugin-x', '@biaflow/gone'] },
          ],
          restricted: { '/internals': { why: 'not for plugins', only: ['@biaflow/io'] } },
        },
        coreFolders: { floors: [{ name: 'g', members: ['errors.ts'] }, { name: 'k', members: ['kernel/'] }, { name: 'r', members: ['run/'] }, { name: 'e', members: ['internals.ts'] }] },
        fileCycles: { known: [] },
      }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('imports upwards, on the same floor, of internals by a plugin, and unplaced packages', () => {
    const g = layers.sourceGraph(dir);
    const problems: string[] = layers.layeringViolations(g, layers.readLayering(dir));
    expect(problems).toEqual(
      expect.arrayContaining([
        'package biaflow-plugin-stray is on no floor of scripts/layering.json (place it)',
        'scripts/layering.json places @biaflow/gone, which is no workspace package (remove it)',
        "packages/image/src/types.ts:1 imports '@biaflow/core' (type-only): @biaflow/core is on a floor above @biaflow/image (floor 1 vs 0)",
        "packages/image/src/lazy.ts:1 imports '@biaflow/io' (type-only): @biaflow/io is on a floor above @biaflow/image (floor 2 vs 0)",
        "packages/io/src/index.ts:2 imports '@biaflow/plugin-x': @biaflow/plugin-x is on a floor above @biaflow/io (floor 3 vs 2)",
        "packages/plugin-x/src/index.ts:1 imports '@biaflow/core/internals': only @biaflow/io may import /internals entries (not for plugins)",
        "packages/core/src/kernel/kernel.ts:2 imports '../run/run' (type-only): core's run/ is on a floor above kernel/ (floor 2 vs 1)",
      ]),
    );
    expect(problems).toHaveLength(7);
    // The type-only import from kernel/ to run/ closes a cycle of files, and of folders.
    expect(layers.cycles(layers.fileEdges(g))).toEqual([
      ['packages/core/src/kernel/kernel.ts', 'packages/core/src/run/run.ts'],
    ]);
    expect(layers.cycles(layers.coreFolderAdjacency(g))).toEqual([['kernel/', 'run/']]);
    expect(layers.cycles(layers.fileEdges(g, { valueOnly: true }))).toEqual([]);
    expect(layers.cycles(layers.packageAdjacency(g))).toEqual([]);
  });

  test('a planted cycle between packages', () => {
    write('packages/core/src/kernel/image-back.ts', "import type { K } from '@biaflow/image';\nexport type B = K;\n");
    try {
      // core → image (the planted type import) → core (types.ts), and → io → plugin-x → core: one component.
      expect(layers.cycles(layers.packageAdjacency(layers.sourceGraph(dir)))).toEqual([['@biaflow/core', '@biaflow/image', '@biaflow/io', '@biaflow/plugin-x']]);
    } finally {
      fs.rmSync(path.join(dir, 'packages/core/src/kernel/image-back.ts'));
    }
  });
});

test('type-only imports are told from value imports', () => {
  const ts = layers.typescript(repo);
  const found = layers.specifiersOf(
    ts,
    'x.ts',
    [
      "import type { A } from 'a';",
      "import { type B, type C } from 'b';",
      "import { type D, E } from 'c';",
      "import F from 'd';",
      "import 'e';",
      "export type { G } from 'f';",
      "export { H } from 'g';",
      "export * from 'h';",
      "type I = import('i').I;",
      "const j = () => import('j');",
      "const k = require('k');",
      "import l = require('l');",
    ].join('\n'),
  ) as { specifier: string; typeOnly: boolean; line: number }[];
  expect(found.map((f) => [f.specifier, f.typeOnly, f.line])).toEqual([
    ['a', true, 1],
    ['b', true, 2],
    ['c', false, 3],
    ['d', false, 4],
    ['e', false, 5],
    ['f', true, 6],
    ['g', false, 7],
    ['h', false, 8],
    ['i', true, 9],
    ['j', false, 10],
    ['k', false, 11],
    ['l', false, 12],
  ]);
});
