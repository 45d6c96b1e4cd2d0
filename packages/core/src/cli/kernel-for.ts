import type { Kernel } from '../kernel/kernel';
import { createKernel } from '../run/create-kernel';
import type { CliIO } from './output';

/** A new kernel for a command: the distribution's (`io.createKernel`), else core's alone. */
export function kernelFor(io: Pick<CliIO, 'createKernel'>): Promise<Kernel> {
  return io.createKernel?.() ?? createKernel();
}
