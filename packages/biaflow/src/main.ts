import { main as coreMain, processIO, type CliIO } from '@biaflow/core/internals';
import { createKernel } from './default-kernel';

/** The `biaflow` command: core's CLI with biaflow's default plugins in every kernel it creates. Resolves to the exit code. */
export function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  return coreMain(argv, { ...io, createKernel: io.createKernel ?? createKernel });
}
