import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The check behind `npm run figures:split`'s "workflow declaration fields read outside the driver"
// (scripts/workflow-reads.cjs), on a small project where every kind of site is planted. The figure
// itself is measured on the repository by the script (it type-checks every package: a minute).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { workflowFieldReads } = require('../../scripts/workflow-reads.cjs');

test('reads of a declaration field are found outside the driver, directly or through a Pick; driver getters and literals are not reads', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-workflow-reads-'));
  try {
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('tsconfig.base.json', JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', types: [] } }));
    write(
      'packages/core/src/kernel/contributions/workflow.ts',
      'export interface WorkflowDefinition { name: string; output: string; summary?: string[] }\nexport interface RegisteredWorkflow extends WorkflowDefinition { plugin: string }\n',
    );
    write(
      'packages/core/src/kernel/workflow-driver.ts',
      "import type { RegisteredWorkflow } from './contributions/workflow';\nexport class WorkflowDriver {\n  constructor(private readonly w: RegisteredWorkflow) {}\n  get name(): string { return this.w.name; }\n  get summary(): string[] { return this.w.summary ?? []; }\n}\n",
    );
    write(
      'packages/core/src/run/reader.ts',
      [
        "import type { RegisteredWorkflow, WorkflowDefinition } from '../kernel/contributions/workflow';", // 1
        "import type { WorkflowDriver } from '../kernel/workflow-driver';", // 2
        'export function direct(w: RegisteredWorkflow): string { return w.plugin + w.name; }', // 3: 2 direct
        "export function picked(w: Pick<WorkflowDefinition, 'summary'>): number { return w.summary?.length ?? 0; }", // 4: 1 through Pick
        'export function destructured(w: WorkflowDefinition): string { const { output } = w; return output; }', // 5: 1 direct
        "export function keyed(w: WorkflowDefinition): string { return w['output']; }", // 6: 1 direct
        'export function viaDriver(d: WorkflowDriver): string { return d.name + d.summary.length; }', // 7: none
        "export const declared: WorkflowDefinition = { name: 'x', output: 'labels' };", // 8: none
      ].join('\n'),
    );
    const reads = workflowFieldReads(dir, ['packages/core/src/kernel/workflow-driver.ts', 'packages/core/src/run/reader.ts']);
    expect(reads.map((r: { line: number; field: string; direct: boolean }) => [r.line, r.field, r.direct])).toEqual([
      [3, 'plugin', true],
      [3, 'name', true],
      [4, 'summary', false],
      [5, 'output', true],
      [6, 'output', true],
    ]);
    expect(reads.every((r: { file: string }) => r.file === 'packages/core/src/run/reader.ts')).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
