import path from 'node:path';
import { BiaflowError, prepareBackend, UsageError, type CommandContribution } from '../core-api';
import { exportModelPackage } from './export-package';
import { formatReport, testZooPackage } from './test-package';

/** Descriptions as the package manifest lists them (tests/test/manifests.test.ts checks they agree). */
export const EXPORT_DESCRIPTION =
  'write a trained model as a BioImage Model Zoo package (bioimageio.yaml, ONNX and TensorFlow.js weights, test tensors, cover, README)';
export const TEST_MODEL_DESCRIPTION =
  'test a BioImage Model Zoo package: schema, file hashes, and its test outputs reproduced by each weights format biaflow runs';

/** tfjs's fastest installed backend (wasm here), as a run would select it. */
async function prepareTfjs(): Promise<void> {
  await prepareBackend('auto');
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function haloOption(value: string): number[] {
  const parts = value.split(',').map((v) => Number(v.trim()));
  if (parts.some((p) => !Number.isInteger(p) || p < 0)) throw new UsageError(`--halo ${value}: expected whole numbers of pixels ≥ 0, one or one per space axis (z,y,x)`);
  return parts;
}

function threadsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--threads ${value}: expected a positive whole number`);
  return n;
}

/** `biaflow export --model RUN/model --out DIR [--zip]`. */
export const exportCommand: CommandContribution = {
  name: 'export',
  description: EXPORT_DESCRIPTION,
  define(command) {
    command
      .requiredOption('--model <dir>', "the model bundle: a run's model/ folder (or checkpoints/best)")
      .requiredOption('--out <path>', 'the package to write: a folder (a .zip with --zip)')
      .option('--zip', 'write a .zip archive of the package')
      .option('--overwrite', 'replace --out when it exists')
      .option('--sample <image>', "image for the test tensors and the cover (default: the run's first test image)")
      .option('--config <file>', 'a config file whose export: section gives or overrides the one stored with the model')
      .option('--halo <pixels>', 'halo of the output tiles: one number, or one per space axis (z,y,x); default: predict.padding or an eighth of the patch')
      .addHelpText(
        'after',
        '\nThe package holds bioimageio.yaml (spec 0.5.7), weights.onnx, tensorflow_js_weights.zip (the biaflow bundle),\ntest_input.npy, test_output.npy, cover.png and README.md. Check it with `biaflow test-model <package>`.\n',
      );
  },
  async run(_args, options, io) {
    await prepareTfjs();
    const result = await exportModelPackage({
      model: options.model as string,
      out: options.out as string,
      zip: options.zip === true,
      overwrite: options.overwrite === true,
      sample: options.sample as string | undefined,
      config: options.config as string | undefined,
      halo: options.halo === undefined ? undefined : haloOption(options.halo as string),
      cwd: io.cwd,
    });
    for (const name of result.removed) io.stderr(`removed ${name}, left by an interrupted export\n`);
    io.stdout(`wrote ${result.target}\n`);
    for (const [name, size] of result.files) io.stdout(`  ${name.padEnd(28)} ${kib(size)}\n`);
    for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    io.stdout(`check it with: biaflow test-model ${path.relative(io.cwd, result.target) || '.'}\n`);
  },
};

/** `biaflow test-model PACKAGE`: exit 0 when every check passes, 1 when one fails, 2 when the package cannot be read. */
export const testModelCommand: CommandContribution = {
  name: 'test-model',
  description: TEST_MODEL_DESCRIPTION,
  define(command) {
    command
      .argument('<package>', 'a package folder, its bioimageio.yaml (or rdf.yaml), or a .zip')
      .option('--threads <n>', "ONNX Runtime threads per operator (default: ONNX Runtime's choice)");
  },
  async run(args, options, io) {
    const target = path.resolve(io.cwd, args[0]);
    await prepareTfjs();
    const report = await testZooPackage(target, { threads: options.threads === undefined ? undefined : threadsOption(options.threads as string) });
    io.stdout(formatReport(report));
    if (report.status === 'passed') return;
    const failed = report.checks.filter((c) => c.status === 'failed');
    throw new BiaflowError(
      failed.length > 0
        ? `${target} failed ${failed.length} check(s): ${failed.map((c) => c.name).join(', ')}`
        : `${target}: no weights format biaflow runs (onnx, tensorflow_js from biaflow) could reproduce the test output`,
      { exitCode: 1 },
    );
  },
};
