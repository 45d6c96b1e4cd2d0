import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The imports shown in the code blocks of the docs, type-checked against the built packages as a
 * reader's project would import them: each block's `import` statements (and, in JavaScript
 * blocks, `require` calls) become a TypeScript file of their own, compiled with the repository's
 * settings (`tsconfig.base.json`: Node16 resolution, so only what a package's `exports` names is
 * reachable) from the repository's root. A name the entry does not export, an entry that does not
 * exist, or a subpath the package does not export is a compile error, reported at its line in the doc.
 * Relative imports (a package's own files, e.g. `./unetpp`) are not public entries and are left out.
 */

const LANGUAGES = new Set(['ts', 'typescript', 'tsx', 'js', 'javascript', 'mjs', 'cjs']);

export interface DocBlockImports {
  /** The doc, relative to the repository. */
  doc: string;
  /** The import statements, each with its line in the doc. */
  statements: { line: number; text: string }[];
}

/** The import statements of the TypeScript and JavaScript code blocks of one markdown text. */
export function docImports(doc: string, markdown: string): DocBlockImports[] {
  const blocks: DocBlockImports[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w*)/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^\s*```/.test(lines[end])) end++;
    if (LANGUAGES.has(open[1].toLowerCase())) {
      const firstLine = i + 2; // 1-based line of the block's first code line
      const code = lines.slice(i + 1, end).join('\n');
      const statements = importStatements(code).map((s) => ({ line: firstLine + s.line, text: s.text }));
      if (statements.length) blocks.push({ doc, statements });
    }
    i = end;
  }
  return blocks;
}

/** Import declarations and `require` calls of a code block, as import statements (line: 0-based in the block). */
function importStatements(code: string): { line: number; text: string }[] {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { line: number; text: string }[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line;
  const bare = (spec: string) => !spec.startsWith('.') && !spec.startsWith('/');
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (bare(node.moduleSpecifier.text)) found.push({ line: lineOf(node), text: node.getText(source).replace(/\s*\n\s*/g, ' ') });
    } else if (
      ts.isVariableDeclaration(node) &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      ts.isIdentifier(node.initializer.expression) &&
      node.initializer.expression.text === 'require' &&
      node.initializer.arguments.length === 1 &&
      ts.isStringLiteral(node.initializer.arguments[0])
    ) {
      const spec = node.initializer.arguments[0].text;
      if (!bare(spec)) return;
      if (ts.isObjectBindingPattern(node.name)) {
        // const { a, b: c } = require('x')  →  import { a, b as c } from 'x'
        const names = node.name.elements.map((e) => (e.propertyName ? `${e.propertyName.getText(source)} as ${e.name.getText(source)}` : e.name.getText(source)));
        found.push({ line: lineOf(node), text: `import { ${names.join(', ')} } from '${spec}';` });
      } else {
        found.push({ line: lineOf(node), text: `import ${node.name.getText(source)} = require('${spec}');` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The compiler options of the repository (tsconfig.base.json), for checking only. */
function repoOptions(repo: string): ts.CompilerOptions {
  const file = path.join(repo, 'tsconfig.base.json');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, repo);
  return { ...parsed.options, noEmit: true, composite: false, incremental: false, declaration: false, declarationMap: false, sourceMap: false };
}

/** Every import of the blocks that does not compile: `doc:line: message`. */
export function checkDocImports(repo: string, blocks: DocBlockImports[]): string[] {
  const options = repoOptions(repo);
  const host = ts.createCompilerHost(options);
  const virtual = new Map<string, { text: string; block: DocBlockImports }>();
  blocks.forEach((block, i) => {
    // One statement per line, so a diagnostic's line gives the statement.
    const text = `${block.statements.map((s) => s.text).join('\n')}\nexport {};\n`;
    virtual.set(path.join(repo, '.doc-imports', `block-${i}.ts`), { text, block });
  });
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const v = virtual.get(path.resolve(fileName));
    return v ? ts.createSourceFile(fileName, v.text, language, true) : getSourceFile(fileName, language, onError, shouldCreate);
  };
  host.fileExists = (fileName) => virtual.has(path.resolve(fileName)) || fileExists(fileName);
  host.readFile = (fileName) => virtual.get(path.resolve(fileName))?.text ?? readFile(fileName);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems: string[] = [];
  for (const [file, { block }] of virtual) {
    const sf = program.getSourceFile(file)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diagnostics) {
      const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line;
      const statement = block.statements[Math.min(line, block.statements.length - 1)];
      problems.push(`${block.doc}:${statement.line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
  }
  return problems;
}

/** The docs whose code blocks are checked: README.md, docs/*.md, and the README of every package and example. */
export function checkedDocs(repo: string): string[] {
  const inDir = (dir: string, pick: (name: string) => boolean) =>
    fs.existsSync(path.join(repo, dir)) ? fs.readdirSync(path.join(repo, dir)).filter(pick).map((f) => path.join(dir, f)) : [];
  return [
    'README.md',
    ...inDir('docs', (f) => f.endsWith('.md')),
    ...['packages', 'examples'].flatMap((parent) => inDir(parent, () => true).map((d) => path.join(d, 'README.md'))),
  ]
    .filter((f) => fs.existsSync(path.join(repo, f)))
    .sort();
}
