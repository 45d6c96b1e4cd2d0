// Where code reads a field of a workflow's declaration outside its driver. The rule (docs/plugins.md,
// "The workflow driver"): core, and biaflow's own packages, use a workflow's declaration only through
// its `WorkflowDriver` (packages/core/src/kernel/workflow-driver.ts).
//
// A read, precisely: a property access (`w.name`, `w['name']`) or a destructured property
// (`const { name } = w`) whose property is declared by the interface `WorkflowDefinition` or
// `RegisteredWorkflow` of packages/core/src/kernel/contributions/workflow.ts (or its built .d.ts) —
// so also through `Pick<WorkflowDefinition, …>` and the like, which keep the declaration — found by
// the TypeScript type checker, in any `src/` file but workflow-driver.ts. A workflow plugin writing
// its declaration (an object literal) is not a read. The driver's own getters (`driver.name`) are
// declared by the driver, so they are not reads either.
'use strict';
const path = require('node:path');
const layers = require('./layering.cjs');

const WORKFLOW_FILE = /packages\/core\/(src|dist)\/kernel\/contributions\/workflow\.(d\.)?ts$/;
const DRIVER_FILE = 'packages/core/src/kernel/workflow-driver.ts';
const DECLARATIONS = new Set(['WorkflowDefinition', 'RegisteredWorkflow']);

/** The repository's compiler options (tsconfig.base.json), for checking only. */
function checkOptions(ts, repo) {
  const read = ts.readConfigFile(path.join(repo, 'tsconfig.base.json'), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(read.config, ts.sys, repo).options;
  return { ...options, noEmit: true, composite: false, incremental: false, declaration: false, declarationMap: false, sourceMap: false };
}

/** Is this property symbol a member of the workflow declaration's interfaces? */
function isDeclarationField(ts, symbol) {
  return (symbol?.declarations ?? []).some((d) => {
    const owner = d.parent;
    return owner && ts.isInterfaceDeclaration(owner) && DECLARATIONS.has(owner.name.text) && WORKFLOW_FILE.test(d.getSourceFile().fileName.split(path.sep).join('/'));
  });
}

/** Is this type the declaration's interface itself (not a type made from it, such as `Pick<WorkflowDefinition, …>`)? */
function isDeclarationType(type) {
  const symbol = type?.getSymbol?.();
  return !!symbol && DECLARATIONS.has(symbol.getName()) && (symbol.declarations ?? []).some((d) => WORKFLOW_FILE.test(d.getSourceFile().fileName.split(path.sep).join('/')));
}

/**
 * Every read of a declaration field outside the driver in the given files (relative to `repo`):
 * `{ file, line, field, direct }`, `direct` when the object read is typed as the declaration itself
 * (else through a type made from it, e.g. a `Pick` a driver also satisfies). Cross-package imports
 * resolve to the built `dist/*.d.ts` (build first).
 */
function workflowFieldReads(repo, files) {
  const ts = layers.typescript(repo);
  const program = ts.createProgram(files.map((f) => path.join(repo, f)), checkOptions(ts, repo));
  const checker = program.getTypeChecker();
  const reads = [];
  for (const file of files) {
    if (file === DRIVER_FILE) continue;
    const source = program.getSourceFile(path.join(repo, file));
    const visit = (node) => {
      let symbol;
      let field;
      let receiver;
      if (ts.isPropertyAccessExpression(node)) {
        symbol = checker.getSymbolAtLocation(node.name);
        field = node.name.text;
        receiver = node.expression;
      } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
        symbol = checker.getSymbolAtLocation(node.argumentExpression);
        field = node.argumentExpression.text;
        receiver = node.expression;
      } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && !node.dotDotDotToken) {
        const key = node.propertyName ?? node.name;
        if (ts.isIdentifier(key)) {
          symbol = checker.getTypeAtLocation(node.parent).getProperty(key.text);
          field = key.text;
          receiver = node.parent;
        }
      }
      if (field && isDeclarationField(ts, symbol)) {
        const type = checker.getNonNullableType(checker.getTypeAtLocation(receiver));
        reads.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, field, direct: isDeclarationType(type) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return reads;
}

module.exports = { workflowFieldReads, DRIVER_FILE };
