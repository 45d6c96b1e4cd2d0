import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { STARTER_CONFIGS } from '../../config/starter-configs';
import { UsageError } from '../../errors';
import { PROBLEM_TYPES, type ProblemType } from '../../kernel/stages';
import { writeFileAtomic } from '../../run/atomic-write';
import { didYouMean } from '../../config/suggest';
import type { CliIO } from '../output';

export function initCommand(io: CliIO): Command {
  return new Command('init')
    .description(`write a commented starter config for a workflow (${PROBLEM_TYPES.join(', ')})`)
    .argument('<workflow>', 'semantic | instance | detection | classification')
    .option('-o, --out <file>', 'write it to this file (default: print it)')
    .option('--force', 'replace an existing file')
    .action(async (workflow: string, opts: { out?: string; force?: boolean }) => {
      if (!(PROBLEM_TYPES as readonly string[]).includes(workflow)) {
        throw new UsageError(`unknown workflow "${workflow}"${didYouMean(workflow, PROBLEM_TYPES)}; choose one of ${PROBLEM_TYPES.join(', ')}`);
      }
      const text = STARTER_CONFIGS[workflow as ProblemType];
      if (!opts.out) {
        io.stdout(text);
        return;
      }
      const target = path.resolve(io.cwd, opts.out);
      if (fs.existsSync(target) && !opts.force) throw new UsageError(`${target} already exists`, 'pass --force to replace it');
      await writeFileAtomic(target, text);
      io.stdout(`wrote ${target}\n`);
    });
}
