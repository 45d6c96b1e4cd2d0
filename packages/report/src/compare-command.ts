import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError, RunFiles, type CommandContribution } from '@biaflow/core';
import { figureAt, listPostprocessVariants, runFolderConfig, withConfigOptions, type ConfigOptions, type PostprocessVariant } from '@biaflow/core/internals';

interface CompareOptions extends ConfigOptions {
  out?: string;
  json?: boolean;
}

/** `instance_watershed seed_threshold=0.6`: the steps as the variant's config lists them. */
function describeSteps(steps: PostprocessVariant['steps']): string {
  if (!steps) return '(no config.yaml)';
  if (steps.length === 0) return '(the workflow\'s default decoding)';
  return steps
    .map(({ method, ...options }) => [method, ...Object.entries(options).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)].join(' '))
    .join(' → ');
}

function readOverall(dir: string): Record<string, unknown> | undefined {
  const file = path.join(dir, RunFiles.metrics);
  if (!fs.existsSync(file)) return undefined;
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { overall?: Record<string, unknown> }).overall;
  } catch {
    return undefined;
  }
}

/**
 * `biaflow compare --out RUN`: one row per post-processing result of a run — the first one (the
 * run folder's top level) and each variant `postprocess/<n>/` — with its steps and the main figures
 * its workflow declares (`summary`). Read only: it takes no lock and writes nothing.
 */
export const compareCommand: CommandContribution = {
  name: 'compare',
  description: "tabulate a run's post-processing variants (postprocess/<n>/) beside its first result: steps and main figures",
  define(command: Command) {
    withConfigOptions(command)
      .option('-o, --out <dir>', 'the run folder')
      .option('--json', 'print one JSON object on stdout: { run, figures, variants: [{ name, dir, postprocess, overall }] }');
  },
  async run(_args, options, io) {
    const opts = options as unknown as CompareOptions;
    if (!opts.out) throw new UsageError('compare needs --out RUN_DIR', 'the folder of a run that predicted and post-processed');
    const runDir = path.resolve(io.cwd, opts.out);
    const saved = path.join(runDir, RunFiles.config);
    if (!fs.existsSync(saved)) throw new UsageError(`${runDir} holds no run (no ${RunFiles.config})`, 'give --out the folder of a run');
    const loaded = await runFolderConfig(runDir, opts, io);
    const figures = loaded.kernel.workflow(loaded.config.problem.type).summary;
    const variants = listPostprocessVariants(runDir);
    if (variants.length === 0) throw new UsageError(`${runDir} holds no post-processing result yet`, 'predict first (biaflow predict --out RUN_DIR)');
    const rows = variants.map((v) => {
      const overall = readOverall(v.dir);
      return {
        name: v.name,
        dir: v.dir,
        postprocess: v.steps ?? null,
        overall: Object.fromEntries(figures.map((f) => [f.key, overall ? figureAt(overall, f.key) : null])),
      };
    });
    if (opts.json) {
      io.stdout(`${JSON.stringify({ run: runDir, figures: figures.map((f) => ({ key: f.key, label: f.label })), variants: rows })}\n`);
      return;
    }
    const show = (x: number | null) => (x === null ? '-' : x.toFixed(4));
    const header = ['variant', ...figures.map((f) => f.key), 'post-processing'];
    const body = rows.map((r, i) => [r.name === 'top' ? 'first' : r.name, ...figures.map((f) => show(r.overall[f.key])), describeSteps(variants[i].steps)]);
    const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
    const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ');
    io.stdout(`${[line(header), ...body.map(line)].join('\n')}\n`);
    io.stdout(`first: ${runDir}; variant n: ${path.join(runDir, RunFiles.variants, '<n>')}\n`);
  },
};
