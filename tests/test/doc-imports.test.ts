import fs from 'node:fs';
import path from 'node:path';
import { checkDocImports, checkedDocs, docImports } from './doc-imports';

const repo = path.resolve(__dirname, '../..');

test('every import in a code block of the docs compiles against the built packages (public entries only)', () => {
  const docs = checkedDocs(repo);
  expect(docs).toEqual(expect.arrayContaining(['README.md', 'docs/plugins.md', 'docs/training.md', 'packages/core/README.md']));
  const blocks = docs.flatMap((doc) => docImports(doc, fs.readFileSync(path.join(repo, doc), 'utf8')));
  // The check reads real blocks: the plugin example of docs/plugins.md, the README's library example.
  expect(blocks.flatMap((b) => b.statements).length).toBeGreaterThanOrEqual(10);
  expect(blocks.map((b) => b.doc)).toEqual(expect.arrayContaining(['README.md', 'docs/plugins.md', 'docs/training.md']));
  // Each problem is `doc:line: compiler message`; fix the import in the doc (the name moved to another package?).
  expect(checkDocImports(repo, blocks)).toEqual([]);
});

test('the check reports a name an entry does not export, a missing package and a subpath not exported', () => {
  const markdown = [
    '# A doc', // 1
    '', // 2
    '```ts', // 3
    "import { definePlugin } from '@biaflow/core';", // 4
    "import { buildModel } from '@biaflow/core';", // 5
    'const model = buildModel({});', // 6
    '```', // 7
    '', // 8
    '```js', // 9
    "const { prepareData, splitSets } = require('@biaflow/data');", // 10
    "const x = require('@biaflow/no-such-package');", // 11
    '```', // 12
    '', // 13
    '```sh', // 14
    "import { nothing } from 'ignored-in-a-shell-block';", // 15
    '```', // 16
    '```typescript', // 17
    "import { Kernel } from '@biaflow/core/dist/kernel/kernel';", // 18
    "import { buildUNetPlusPlus } from './unetpp';", // 19
    '```', // 20
  ].join('\n');
  const blocks = docImports('x.md', markdown);
  expect(blocks.map((b) => b.statements.map((s) => s.line))).toEqual([[4, 5], [10, 11], [18]]);
  const problems = checkDocImports(repo, blocks);
  expect(problems).toEqual([
    `x.md:5: Module '"@biaflow/core"' has no exported member 'buildModel'.`,
    expect.stringMatching(/^x\.md:10: Module '"@biaflow\/data"' has no exported member 'splitSets'/),
    expect.stringMatching(/^x\.md:11: Cannot find module '@biaflow\/no-such-package'/),
    expect.stringMatching(/^x\.md:18: Cannot find module '@biaflow\/core\/dist\/kernel\/kernel'/),
  ]);
});
