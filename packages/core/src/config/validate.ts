import type { ZodType, core } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import { excerpt } from '@biaflow/image';
import { FIRST_PARTY_SECTIONS, FIRST_PARTY_WORKFLOWS } from '../kernel/first-party';
import type { Kernel } from '../kernel/kernel';
import { buildSchema, type ResolvedConfig } from '../kernel/config/schema';
import { checkPostprocessChain } from './postprocess-chain';
import { planPostprocess } from './postprocess-plan';
import { formatKeyPath, objectKeys, schemaAt, type KeyPath } from './schema-walk';
import { didYouMean } from '../suggest';

/**
 * Validate a merged raw config against core's schema plus the sections and post-processing
 * methods the loaded plugins registered, and the post-processing list against what the workflow's
 * inference gives and its output kind needs. Every problem is collected, then thrown together.
 */
export function validateConfig(raw: unknown, kernel: Kernel, source?: string, installedWorkflows: readonly string[] = []): ResolvedConfig {
  const schema = buildSchema(kernel.configSections, kernel.sectionExtensions);
  const result = schema.safeParse(raw, { reportInput: true });
  const issues: ConfigIssue[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(...describeIssue(issue, schema as ZodType));
  }
  const type = (raw as { problem?: { type?: unknown } } | undefined)?.problem?.type;
  const workflow = typeof type === 'string' ? kernel.workflows.get(type) : undefined;
  if (typeof type === 'string' && type !== '' && !workflow) issues.push(unknownWorkflowIssue(type, kernel, installedWorkflows));
  const config = result.success ? (result.data as ResolvedConfig) : undefined;
  if (config) {
    const networks = kernel.networks;
    const architecture = config.model.architecture;
    if (networks.size > 0 && !networks.has(architecture)) {
      issues.push({
        path: 'model.architecture',
        message: `is not a registered network (got ${JSON.stringify(architecture)})${didYouMean(architecture, [...networks.keys()])}; registered: ${[...networks.keys()].join(', ')}`,
      });
    }
    const stepIssues = validatePostprocessSteps(config, kernel);
    issues.push(...stepIssues);
    if (stepIssues.length === 0) {
      // The steps in order, then whether each gets what it takes and the end gives what is written.
      const planned = planPostprocess(config.postprocess, kernel, config.problem.type);
      issues.push(...planned.issues, ...checkPostprocessChain(planned.plan, kernel, config.problem.type).issues);
    }
  }
  if (issues.length) throw new ConfigError(issues, source);
  return config as ResolvedConfig;
}

/** Turn one zod issue into readable lines: `key.path: problem (got X)`, with a suggestion for typos. */
function describeIssue(issue: core.$ZodIssue, schema: ZodType, prefix: KeyPath = []): ConfigIssue[] {
  const keyPath = [...prefix, ...(issue.path as KeyPath)];
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${show(issue.input)})` : '';
  // YAML's .nan and .inf are numbers to YAML, but no setting takes them (JSON would even show them as null).
  if ('input' in issue && typeof issue.input === 'number' && !Number.isFinite(issue.input)) {
    return [{ path: formatKeyPath(keyPath), message: `is not a finite number (got ${yamlNumber(issue.input)}): give a number` }];
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const here = schemaAt(schema, issue.path as KeyPath);
      const candidates = 'schema' in here ? objectKeys(here.schema) ?? [] : [];
      return issue.keys.map((key) => {
        const full = formatKeyPath([...keyPath, key]);
        const owner = FIRST_PARTY_SECTIONS[full];
        const message = owner
          ? `unknown key: this section belongs to ${owner}, which is not loaded (install it with \`npm i ${owner}\` and list it under plugins:)`
          : `unknown key${didYouMean(key, candidates)}; valid keys here: ${candidates.join(', ')}`;
        return { path: full, message };
      });
    }
    case 'invalid_type':
      if (issue.input === undefined) return [{ path: formatKeyPath(keyPath), message: `required (expected ${issue.expected})` }];
      return [{ path: formatKeyPath(keyPath), message: `expected ${issue.expected}${got}` }];
    case 'invalid_value':
      return [
        {
          path: formatKeyPath(keyPath),
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}${got}${
            typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)) : ''
          }`,
        },
      ];
    case 'invalid_union': {
      // Report the branch that got furthest, which is usually the one the user meant.
      const branches = issue.errors.filter((b) => b.length > 0);
      if (branches.length) {
        const best = branches.reduce((a, b) => (deepest(b) > deepest(a) ? b : a));
        if (deepest(best) > 0) return best.flatMap((i) => describeIssue(i, schema, keyPath));
      }
      return [{ path: formatKeyPath(keyPath), message: `${issue.message}${got}` }];
    }
    default:
      return [{ path: formatKeyPath(keyPath), message: `${lowerFirst(issue.message)}${got}` }];
  }
}

function deepest(issues: core.$ZodIssue[]): number {
  return Math.max(...issues.map((i) => i.path.length));
}

function validatePostprocessSteps(config: ResolvedConfig, kernel: Kernel): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const methods = kernel.postprocessMethods;
  config.postprocess.forEach((step, i) => {
    const { method, ...options } = step;
    const where: KeyPath = ['postprocess', i];
    const registered = methods.get(method);
    if (!registered) {
      const names = [...methods.keys()];
      issues.push({
        path: formatKeyPath([...where, 'method']),
        message: `unknown post-processing method "${method}"${didYouMean(method, names)}; registered: ${
          names.length ? names.join(', ') : 'none (is @biaflow/plugin-postproc installed?)'
        }`,
      });
      return;
    }
    if (registered.problems && !registered.problems.includes(config.problem.type)) {
      issues.push({
        path: formatKeyPath([...where, 'method']),
        message: `"${method}" applies to ${registered.problems.join(', ')} problems, not ${config.problem.type}`,
      });
    }
    // Checked here, but kept as written: defaults are filled when the steps are planned, so a value
    // tuned into the model (docs/outputs.md) can stand in for a default the config did not set.
    const parsed = registered.options.safeParse(options, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push(...describeIssue(issue, registered.options, where));
    }
  });
  return issues;
}

/** How YAML writes a number that is not finite. */
function yamlNumber(n: number): string {
  return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf';
}

/** A value of the config, short and printable (a value from a file is never echoed whole). */
function show(v: unknown): string {
  return excerpt(v, 60);
}

function lowerFirst(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1) : s;
}

/** The workflow's own checks of a valid config (those that need no data): thrown together as one ConfigError. */
export function checkWorkflowConfig(config: ResolvedConfig, kernel: Kernel, training: boolean, source?: string): void {
  const issues = kernel.workflows.get(config.problem.type)?.checkConfig?.(config, { training, networks: kernel.networks }) ?? [];
  if (issues.length) throw new ConfigError(issues, source);
}

/**
 * `problem.type` names no registered workflow: list the installed ones (registered, or declared by the
 * manifest of an installed package the config could load) and, for a first-party name, the package.
 */
function unknownWorkflowIssue(type: string, kernel: Kernel, declared: readonly string[]): ConfigIssue {
  const installed = [...new Set([...kernel.workflows.keys(), ...declared])].sort();
  const known = [...new Set([...installed, ...Object.keys(FIRST_PARTY_WORKFLOWS)])];
  const pkg = FIRST_PARTY_WORKFLOWS[type];
  return {
    path: 'problem.type',
    message: `is not a registered workflow (got ${excerpt(type)})${didYouMean(type, known)}; installed workflows: ${installed.join(', ') || 'none'}${
      pkg ? `; "${type}" is in ${pkg}: install it with \`npm i ${pkg}\`` : ''
    }`,
  };
}
