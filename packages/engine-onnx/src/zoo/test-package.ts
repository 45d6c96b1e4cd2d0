import {
  bundledSchemaValidator,
  isUrl,
  openPackageSource,
  packagePath,
  readRawDescription,
  testModel,
  type Runners,
  type TestCheck,
  type TestReport,
} from '@biaflow/bioimageio';
import { isBiaflowTfjsZip, onnxRunner, tfjsRunner } from './runners';

export interface TestPackageOptions {
  /** ONNX Runtime's threads inside each operator (default: its own choice). */
  threads?: number;
}

const TFJS_SKIP = "no runner for weights format 'tensorflow_js'";

/**
 * Test a zoo package as the zoo's own `test_model` does, with every weights format biaflow runs:
 * `onnx` through ONNX Runtime, `tensorflow_js` through tfjs when the weights are a biaflow bundle.
 * Throws a `BioimageioError` (exit code 2) when the package cannot be read at all (no such path,
 * not a folder / YAML / zip, no description file, YAML that does not parse); every other problem is
 * a failed check of the report.
 */
export async function testZooPackage(target: string, options: TestPackageOptions = {}): Promise<TestReport> {
  const { source, descriptionFile } = await openPackageSource(target);
  const { raw, descriptionFile: file } = await readRawDescription(source, descriptionFile);
  const runners: Runners = { onnx: onnxRunner({ threads: options.threads }) };

  // tensorflow_js weights are run when they are a biaflow bundle; a file that cannot be read gets
  // the runner too, so its own check says what is wrong with it.
  const tfjsSource = (raw as { weights?: { tensorflow_js?: { source?: unknown } } })?.weights?.tensorflow_js?.source;
  let foreignTfjs = false;
  if (typeof tfjsSource === 'string' && !isUrl(tfjsSource)) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await source.read(packagePath(tfjsSource, 'weights.tensorflow_js.source'));
    } catch {
      bytes = undefined;
    }
    if (!bytes || isBiaflowTfjsZip(bytes, tfjsSource)) runners.tensorflow_js = tfjsRunner(file);
    else foreignTfjs = true;
  }
  const report = await testModel(source, runners, { validator: bundledSchemaValidator(), descriptionFile: file });
  if (foreignTfjs) {
    for (const c of report.checks) {
      if (c.status === 'skipped' && c.message === TFJS_SKIP) {
        c.message = "not run: these tensorflow_js weights are not a biaflow model bundle (biaflow runs the TensorFlow.js weights it exported, whose zip holds model.json, weights.bin and biaflow.json)";
      }
    }
  }
  return report;
}

const MARK: Record<TestCheck['status'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

/** The report for a person: one line per check (continuation lines indented), then the outcome. */
export function formatReport(report: TestReport): string {
  const lines = [`testing ${report.package}`];
  for (const c of report.checks) {
    const [first, ...rest] = c.message.split('\n');
    lines.push(`${MARK[c.status]}  ${c.name}: ${first}`);
    for (const r of rest) lines.push(`      ${r.trimStart()}`);
  }
  const failed = report.checks.filter((c) => c.status === 'failed').length;
  const passed = report.checks.filter((c) => c.status === 'passed').length;
  const skipped = report.checks.length - failed - passed;
  const outcome =
    report.status === 'passed' ? 'passed' : report.status === 'failed' ? 'FAILED' : 'UNTESTED (no weights format biaflow runs reproduced the test output)';
  lines.push(`${outcome}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return `${lines.join('\n')}\n`;
}
