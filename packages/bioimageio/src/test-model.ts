import { BioimageioError, locate } from './errors';
import { checkModelDescription } from './description/check';
import { fileReferences, isUrl, packagePath, type FileReference } from './description/file-references';
import { parseModelDescription } from './description/read';
import { checkTensorShapes } from './description/tensor-shapes';
import type { ModelDescription, WeightsEntry, WeightsFormat } from './description/types';
import { dtypeOf, sameShape, type NdArray } from './ndarray';
import { readNpy } from './npy';
import { descriptionLocation, readRawDescription, type ModelPackage, type PackageSource } from './package-source';
import { postprocess, preprocess } from './processing/apply';
import type { AxesTensor } from './processing/step-context';
import type { SchemaValidator } from './schema-validation';
import { unsupportedFeatures } from './support';
import { compareWithTolerance, toleranceFor } from './tolerance';
import { quote } from './printable';

/** What a runner gets to load the network: its weights entry, the weights bytes, and the package (for external data). */
export interface WeightsFile {
  format: WeightsFormat;
  entry: WeightsEntry;
  /** Package-relative path of `entry.source`. */
  path: string;
  bytes: Uint8Array;
  package: PackageSource;
}

/**
 * Runs the network of one weights format: preprocessed inputs in the order of `inputs`, each in
 * its declared axis order, in; raw outputs in the order of `outputs`, declared axis order, out.
 */
export type ModelRunner = (weights: WeightsFile, inputs: NdArray[]) => NdArray[] | Promise<NdArray[]>;

export type Runners = Partial<Record<WeightsFormat, ModelRunner>>;

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface TestCheck {
  name: string;
  status: CheckStatus;
  message: string;
  /** The file concerned (the description, a weights file, a test tensor). */
  file?: string;
  /** The description field concerned. */
  field?: string;
}

export interface TestReport {
  /** `failed` if any check failed; `passed` if none did and at least one weights format reproduced the test outputs; else `untested`. */
  status: 'passed' | 'failed' | 'untested';
  package: string;
  checks: TestCheck[];
}

export interface TestOptions {
  /** The JSON-schema check; without one it is reported as skipped. */
  validator?: SchemaValidator;
  /** Description file inside the package, when not `bioimageio.yaml` / `rdf.yaml`. */
  descriptionFile?: string;
}

/**
 * Test a zoo model the way bioimageio.core's `test_model` does, with the networks biaflow can
 * run: validate the description (JSON schema, field relations, what biaflow supports), check the
 * sha256 of every referenced file that is present, then for each weights format with a runner
 * reproduce every test output from the test inputs (preprocessing → runner → postprocessing)
 * within the description's tolerance. Never throws for a bad package: every problem is a failed
 * check naming the file and field.
 */
export async function testModel(pkg: PackageSource | ModelPackage, runners: Runners, options: TestOptions = {}): Promise<TestReport> {
  const source = 'source' in pkg ? pkg.source : pkg;
  const checks: TestCheck[] = [];
  const report = (): TestReport => ({
    status: checks.some((c) => c.status === 'failed') ? 'failed' : checks.some((c) => c.name.startsWith('reproduce') && c.status === 'passed') ? 'passed' : 'untested',
    package: source.location,
    checks
  });

  let raw: unknown;
  let descriptionFile: string;
  try {
    if ('source' in pkg) {
      raw = pkg.raw;
      descriptionFile = pkg.descriptionFile;
    } else {
      ({ raw, descriptionFile } = await readRawDescription(source, options.descriptionFile));
    }
  } catch (e) {
    checks.push(failure('read description', e, source.location));
    return report();
  }
  const file = descriptionLocation(source, descriptionFile);

  if (options.validator) {
    try {
      const issues = options.validator.validate(raw);
      const branch = options.validator.branchFor(raw);
      checks.push(
        issues.length === 0
          ? { name: 'schema', status: 'passed', message: `valid against the zoo's JSON schema (model ${branch.formatVersion})`, file }
          : { name: 'schema', status: 'failed', message: `not valid against the zoo's JSON schema:\n${issues.map((i) => `  - ${locate(i.message, undefined, i.field)}`).join('\n')}`, file, field: issues[0].field }
      );
    } catch (e) {
      checks.push(failure('schema', e, file));
    }
  } else {
    checks.push({ name: 'schema', status: 'skipped', message: 'no schema validator given', file });
  }

  let d: ModelDescription;
  try {
    d = 'source' in pkg ? pkg.description : parseModelDescription(raw, { file, check: false });
  } catch (e) {
    checks.push(failure('description', e, file));
    return report();
  }
  const relationIssues = checkModelDescription(d);
  checks.push(
    relationIssues.length === 0
      ? { name: 'description', status: 'passed', message: 'sizes, references, halos and processing kwargs are consistent', file }
      : { name: 'description', status: 'failed', message: relationIssues.map((i) => locate(i.message, undefined, i.field)).join('\n'), file, field: relationIssues[0].field }
  );
  const unsupported = unsupportedFeatures(d);
  checks.push(
    unsupported.length === 0
      ? { name: 'biaflow support', status: 'passed', message: 'every axis and processing operation is supported', file }
      : { name: 'biaflow support', status: 'failed', message: unsupported.map((i) => locate(i.message, undefined, i.field)).join('\n'), file, field: unsupported[0].field }
  );

  // Files: present ones are hashed; absent ones fail only when a tested format or the test needs them.
  const tested = new Set((Object.keys(d.weights) as WeightsFormat[]).filter((f) => runners[f]));
  const fileOk = new Map<string, boolean>();
  for (const ref of fileReferences(d)) {
    // A file the source refuses (a link out of a folder package, a device) fails its check, naming it.
    const check = await checkFile(source, ref, tested, file).catch((e: unknown) => failure(`file ${ref.source}`, e, file));
    fileOk.set(ref.field, check.status !== 'failed');
    checks.push(check);
  }

  for (const format of Object.keys(d.weights) as WeightsFormat[]) {
    const name = `reproduce test outputs (${format})`;
    const runner = runners[format];
    const entry = d.weights[format]!;
    if (!runner) {
      checks.push({ name, status: 'skipped', message: `no runner for weights format ${quote(format)}`, file, field: `weights.${format}` });
      continue;
    }
    if (relationIssues.length > 0 || unsupported.length > 0) {
      checks.push({ name, status: 'skipped', message: 'not run: the description has errors (see above)', file, field: `weights.${format}` });
      continue;
    }
    const badFiles = fileReferences(d).filter((r) => (r.weightsFormat === format || r.role === 'test_tensor') && fileOk.get(r.field) === false);
    if (badFiles.length > 0) {
      checks.push({ name, status: 'skipped', message: `not run: ${badFiles.map((r) => r.field).join(', ')} failed its file check (see above)`, file, field: `weights.${format}` });
      continue;
    }
    checks.push(...(await reproduce(source, d, file, format, entry, runner)));
  }
  return report();
}

function failure(name: string, e: unknown, file: string): TestCheck {
  if (e instanceof BioimageioError) return { name, status: 'failed', message: e.message, file: e.file ?? file, field: e.field };
  return { name, status: 'failed', message: `unexpected error: ${e instanceof Error ? e.message : String(e)}`, file };
}

async function checkFile(source: PackageSource, ref: FileReference, tested: Set<WeightsFormat>, file: string): Promise<TestCheck> {
  const name = `file ${ref.source}`;
  const at = { file, field: ref.field };
  if (isUrl(ref.source)) return { name, status: 'skipped', message: `not checked: ${ref.source} is a URL (biaflow does not download)`, ...at };
  let path: string;
  try {
    path = packagePath(ref.source, ref.field, file);
  } catch (e) {
    return failure(name, e, file);
  }
  const where = `${source.location}/${path}`;
  if (!(await source.exists(path))) {
    const needed = ref.role === 'test_tensor' || (ref.weightsFormat !== undefined && tested.has(ref.weightsFormat));
    if (needed) {
      const why = ref.role === 'test_tensor' ? 'the test needs it' : `weights format ${quote(ref.weightsFormat)} is tested`;
      return { name, status: 'failed', message: `missing file ${path} (referenced by ${ref.field}; ${why})`, file: where, field: ref.field };
    }
    const why = ref.weightsFormat ? `weights format ${quote(ref.weightsFormat)} is not tested` : `a ${ref.role.replace('_', ' ')} is not needed to test the model`;
    return { name, status: 'skipped', message: `not checked: ${path} is not in the package (${why})`, ...at };
  }
  if (!ref.sha256) return { name, status: 'passed', message: `${path} is present (the description gives no sha256 for it)`, file: where, field: ref.field };
  let actual: string;
  try {
    actual = await source.sha256(path);
  } catch (e) {
    return failure(name, e, where);
  }
  if (actual !== ref.sha256) {
    return {
      name,
      status: 'failed',
      message: `sha256 mismatch: ${path} hashes to ${actual}, ${ref.field.replace(/\.source$/, '.sha256')} says ${ref.sha256} (the file was changed or replaced)`,
      file: where,
      field: ref.field.replace(/\.source$/, '.sha256')
    };
  }
  return { name, status: 'passed', message: `${path}: sha256 matches`, file: where, field: ref.field };
}

async function reproduce(source: PackageSource, d: ModelDescription, file: string, format: WeightsFormat, entry: WeightsEntry, runner: ModelRunner): Promise<TestCheck[]> {
  const name = `reproduce test outputs (${format})`;
  const fail = (message: string, where?: { file?: string; field?: string }): TestCheck[] => [{ name, status: 'failed', message, file: where?.file ?? file, field: where?.field }];
  try {
    const load = async (t: { test_tensor: { source: string } | null; id: string }, field: string): Promise<NdArray> => {
      if (!t.test_tensor) throw new BioimageioError(`tensor ${quote(t.id)} has no test_tensor`, { file, field });
      const path = packagePath(t.test_tensor.source, `${field}.source`, file);
      return readNpy(await source.read(path), `${source.location}/${path}`);
    };
    const inputs = await Promise.all(d.inputs.map((t, i) => load(t, `inputs[${i}].test_tensor`)));
    const expected = await Promise.all(d.outputs.map((t, i) => load(t, `outputs[${i}].test_tensor`)));
    const shapes = new Map<string, number[]>([...d.inputs.map((t, i) => [t.id, inputs[i].shape] as const), ...d.outputs.map((t, i) => [t.id, expected[i].shape] as const)]);
    const shapeIssues = checkTensorShapes(d, shapes);
    if (shapeIssues.length > 0) return fail(`test tensors do not match their axes:\n${shapeIssues.map((i) => `  - ${locate(i.message, undefined, i.field)}`).join('\n')}`, { field: shapeIssues[0].field });

    const references: Record<string, AxesTensor> = {};
    d.inputs.forEach((t, i) => (references[t.id] = { tensor: inputs[i], axes: t.axes.map((a) => a.id) }));
    const prepared = d.inputs.map((t, i) => preprocess(t, inputs[i], { field: `inputs[${i}]`, file, references }));

    const weightsPath = packagePath(entry.source, `weights.${format}.source`, file);
    const weights: WeightsFile = { format, entry, path: weightsPath, bytes: await source.read(weightsPath), package: source };
    let raw: NdArray[];
    try {
      raw = await runner(weights, prepared);
    } catch (e) {
      return fail(`the ${format} runner failed on ${source.location}/${weightsPath}: ${e instanceof Error ? e.message : String(e)}`, { file: `${source.location}/${weightsPath}`, field: `weights.${format}` });
    }
    if (raw.length !== d.outputs.length) return fail(`the model returned ${raw.length} outputs, the description lists ${d.outputs.length}`, { field: 'outputs' });

    const checks: TestCheck[] = [];
    d.outputs.forEach((t, i) => {
      const field = `outputs[${i}].test_tensor`;
      const testFile = `${source.location}/${t.test_tensor!.source}`;
      const actual = postprocess(t, raw[i], { field: `outputs[${i}]`, file, references });
      if (!sameShape(actual.shape, expected[i].shape)) {
        checks.push({ name, status: 'failed', message: `output ${quote(t.id)} has shape [${actual.shape.join(', ')}], the test output [${expected[i].shape.join(', ')}]`, file: testFile, field });
        return;
      }
      const tol = toleranceFor(d, format, t.id);
      const c = compareWithTolerance(actual, expected[i], tol);
      const tolText = `relative ${tol.relative}, absolute ${tol.absolute}, ${tol.mismatchedPerMillion} mismatched per million allowed (${tol.source})`;
      const worst = c.worst
        ? `; largest difference ${c.worst.difference.toPrecision(3)} at [${c.worst.index.join(', ')}] (got ${c.worst.actual.toPrecision(6)}, expected ${c.worst.expected.toPrecision(6)})`
        : '';
      const counts = `${c.mismatched} of ${c.total} values (${c.perMillion.toFixed(1)} per million) outside the tolerance`;
      checks.push({
        name,
        status: c.passed ? 'passed' : 'failed',
        message: c.passed
          ? `output ${quote(t.id)} (${dtypeOf(actual)}) reproduces ${t.test_tensor!.source}: ${counts}, largest difference ${c.maxDifference.toPrecision(3)}; tolerance: ${tolText}`
          : `output ${quote(t.id)} does not reproduce ${t.test_tensor!.source}: ${counts}${worst}; tolerance: ${tolText}`,
        file: testFile,
        field
      });
    });
    return checks;
  } catch (e) {
    return [failure(name, e, file)];
  }
}
