/**
 * Types that lower files of the kernel name, filled in by the files above them that define them.
 *
 * A run holds its Kernel and its WorkflowDriver (`RunContext.kernel`, `RunContext.workflow`), while the
 * Kernel's hooks and the driver's calls take a RunContext; a plugin's `apply` takes the Kernel that
 * `kernel.use` takes the plugin of. Types that name one another would make files that import one another,
 * type-only — and the layering rule allows no import cycle, type-only ones included (scripts/layering.json).
 * So the files below `kernel.ts` and `workflow-driver.ts` name those two through this interface, and each
 * defining file adds its own entry by declaration merging (TanStack Router's `Register` pattern):
 * `declare module './named-above' { interface NamedAbove { kernel: Kernel } }`. Every entry point that
 * exports the Kernel (the package's index, internals) loads both files, so the names always resolve.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled by declaration merging
export interface NamedAbove {}

/** The Kernel (`kernel/kernel.ts`), for the files it imports. */
export type KernelOf = NamedAbove extends { kernel: infer K } ? K : never;

/** The WorkflowDriver (`kernel/workflow-driver.ts`), for the files it imports. */
export type WorkflowDriverOf = NamedAbove extends { workflowDriver: infer D } ? D : never;
