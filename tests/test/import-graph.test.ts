import fs from 'node:fs';
import path from 'node:path';
import { cycles, importGraph } from './import-graph';

const repo = path.resolve(__dirname, '../..');

function packageDirs(): string[] {
  return ['packages', 'examples']
    .flatMap((parent) => fs.readdirSync(path.join(repo, parent)).map((d) => path.join(repo, parent, d)))
    .filter((d) => fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'dist')));
}

test('the built packages import each other without cycles (madge --circular on dist/)', () => {
  const graph = importGraph(repo, packageDirs());
  expect(graph.edges.size).toBeGreaterThan(200);
  expect([...graph.edges.values()].flat().length).toBeGreaterThan(500);
  expect(cycles(graph)).toEqual([]);
});

test('the cycle finder finds a cycle when there is one', () => {
  const graph = { edges: new Map([['a.js', ['b.js']], ['b.js', ['c.js']], ['c.js', ['a.js', 'd.js']], ['d.js', []]]) };
  expect(cycles(graph)).toEqual([['a.js', 'b.js', 'c.js']]);
  expect(cycles({ edges: new Map([['a.js', ['a.js']]]) })).toEqual([['a.js']]);
});

test('@biaflow/image requires nothing but its own files at run time', () => {
  const graph = importGraph(repo, packageDirs());
  const imageFiles = [...graph.edges.keys()].filter((f) => f.startsWith('packages/image/dist/'));
  expect(imageFiles.length).toBeGreaterThan(20);
  for (const file of imageFiles) {
    const required = [...fs.readFileSync(path.join(repo, file), 'utf8').matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
    expect({ file, outside: required.filter((r) => !r.startsWith('.')) }).toEqual({ file, outside: [] });
  }
});
