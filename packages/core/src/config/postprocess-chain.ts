import type { ConfigIssue } from '../errors';
import type { Kernel } from '../kernel/kernel';
import type { RegisteredPostprocessMethod } from '../kernel/postprocess-method';
import type { PredictionField } from '../kernel/prediction-field';
import type { ProblemType } from '../kernel/stages';
import type { PlannedStep } from './postprocess-plan';

/** What walking a post-processing list found: config errors, and what could not be checked. */
export interface ChainCheck {
  /** Steps that do not get what they take, or a list whose end lacks what the output kind needs. */
  issues: ConfigIssue[];
  /** Parts left unchecked because a step, the workflow or its output kind declares nothing (docs/plugins.md). */
  warnings: string[];
}

/**
 * Walk the planned steps as the prediction will flow through them: it starts with what the
 * workflow's inference gives; each step must find every field it `takes`, then adds what it `gives`
 * (a step passes the other fields on); the end must hold the field of the workflow's output kind.
 * A threshold on a workflow whose inference gives a float image, or a decoding into labels where
 * points are written, is found here, before a run does any work. What declares nothing (a
 * third-party step, a workflow's own `infer`, an output kind without `field`) is taken on trust
 * from there on, with a warning.
 */
export function checkPostprocessChain(plan: readonly PlannedStep[], kernel: Kernel, problem: ProblemType): ChainCheck {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const workflow = kernel.workflows.get(problem);
  if (!workflow) return { issues, warnings };
  const start = workflow.gives;
  if (start === undefined) {
    if (plan.length) warnings.push(`the ${problem} workflow (${workflow.plugin}) has its own inference and does not declare what it gives (\`gives\`): its post-processing list is not checked`);
    return { issues, warnings };
  }
  const origin = `the ${problem} workflow's inference gives ${fieldList(start)}`;
  const have = new Set<PredictionField>(start);
  let last: PlannedStep | undefined;
  /** Steps already reported: what they give is not held against them again. */
  const reported = new Set<PlannedStep>();
  /** The step that first gave each field inference did not give (a field inference gives is the workflow's own business). */
  const madeBy = new Map<PredictionField, PlannedStep>();
  for (const step of plan) {
    const { takes, gives } = step.method;
    if (takes === undefined && gives === undefined) {
      warnings.push(`${stepName(step)} declares neither \`takes\` nor \`gives\` (plugin ${step.method.plugin}): it and the steps after it are not checked`);
      return { issues, warnings };
    }
    const missing = (takes ?? []).filter((f) => !have.has(f));
    if (missing.length) {
      reported.add(step);
      const after = last ? `after ${stepName(last)} the prediction holds ${fieldList(have)}` : origin;
      issues.push({
        path: stepPath(step),
        message: `${nameAt(step)} takes ${fieldList(takes ?? [])} but gets ${fieldList(have)} (${after}): ${missingHint(step, missing, have, kernel, problem)}`,
      });
    }
    // Added even after a mismatch, so one wrong step is reported once, not again by every step after it.
    for (const f of gives ?? []) {
      if (!have.has(f)) madeBy.set(f, step);
      have.add(f);
    }
    last = step;
  }
  const kind = kernel.outputKinds.get(workflow.output);
  if (!kind) return { issues, warnings };
  if (kind.field === undefined) {
    if (plan.length) warnings.push(`output kind "${kind.name}" does not declare the prediction field it writes (\`field\`): the end of the post-processing list is not checked`);
    return { issues, warnings };
  }
  // A field another kind writes whenever it is held, to the same file, would take the result's place
  // (a label image written where the float image belongs, the image then skipped).
  const file = kind.file?.('<stem>');
  for (const other of kernel.outputKinds.values()) {
    if (file === undefined || other === kind || !other.writtenWhenHeld || other.field === undefined || other.file?.('<stem>') !== file) continue;
    const maker = madeBy.get(other.field);
    if (!maker || reported.has(maker)) continue;
    issues.push({
      path: stepPath(maker),
      message: `${nameAt(maker)} gives ${other.field}, which is written as ${other.name} to ${file}, the file of the ${problem} workflow's ${kind.name}: remove it`,
    });
  }
  if (!have.has(kind.field)) {
    const after = last ? `after ${stepName(last)} the prediction holds ${fieldList(have)}` : `${origin} and no step runs`;
    issues.push({
      path: 'postprocess',
      message: `the ${problem} workflow's output is ${kind.name}, which needs the prediction's ${kind.field}, but ${after}: ${endHint(plan, kind.field, have, kernel, problem)}`,
    });
  }
  return { issues, warnings };
}

/** `postprocess[0] (threshold)`, or the workflow's default decoding core put in the list. */
function stepName(step: PlannedStep): string {
  return typeof step.from === 'number' ? `postprocess[${step.from}] (${step.method.name})` : `the workflow's default decoding (${step.method.name})`;
}

/** The step as its issue names it after its path: the path gives the position (`postprocess[0]: threshold takes…`); core's own decoding has none. */
function nameAt(step: PlannedStep): string {
  return typeof step.from === 'number' ? step.method.name : stepName(step);
}

function stepPath(step: PlannedStep): string {
  return typeof step.from === 'number' ? `postprocess[${step.from}]` : 'postprocess';
}

function fieldList(fields: Iterable<PredictionField>): string {
  const list = [...fields];
  return list.length ? list.join(', ') : 'nothing';
}

/** Registered steps that apply to the problem, could run on `have` and give one of `wanted`. */
function stepsGiving(wanted: readonly PredictionField[], have: ReadonlySet<PredictionField>, kernel: Kernel, problem: ProblemType): RegisteredPostprocessMethod[] {
  return [...kernel.postprocessMethods.values()].filter(
    (m) =>
      (!m.problems || m.problems.includes(problem)) &&
      (m.takes ?? []).every((f) => have.has(f)) &&
      (m.gives ?? []).some((f) => wanted.includes(f)),
  );
}

function names(methods: readonly RegisteredPostprocessMethod[]): string {
  return methods.map((m) => m.name).join(', ');
}

/** What to do about a step that does not get what it takes. */
function missingHint(step: PlannedStep, missing: readonly PredictionField[], have: ReadonlySet<PredictionField>, kernel: Kernel, problem: ProblemType): string {
  const makers = stepsGiving(missing, have, kernel, problem).filter((m) => m.name !== step.method.name);
  return makers.length
    ? `put a step that gives ${fieldList(missing)} before it (${names(makers)}), or remove it`
    : `remove it (no loaded step makes ${fieldList(missing)} from ${fieldList(have)} for ${problem})`;
}

/** What to do about a list whose end lacks the output kind's field. */
function endHint(plan: readonly PlannedStep[], field: PredictionField, have: ReadonlySet<PredictionField>, kernel: Kernel, problem: ProblemType): string {
  const methods = [...kernel.postprocessMethods.values()];
  const decoder = methods.find((m) => (m.kind ?? 'refine') === 'decode' && m.defaultFor?.includes(problem));
  // A listed decoding replaces the workflow's own: without it, the default one runs and gives the field.
  const replacing = plan.filter((s) => typeof s.from === 'number' && (s.method.kind ?? 'refine') === 'decode');
  if (decoder && decoder.gives?.includes(field) && replacing.length) {
    return `remove ${replacing.map(stepName).join(' and ')}, which replace${replacing.length === 1 ? 's' : ''} the workflow's own decoding (${decoder.name}, which gives ${field})`;
  }
  const makers = stepsGiving([field], have, kernel, problem);
  return makers.length
    ? `end the list with a step that gives ${field} (${names(makers)})`
    : `no loaded step gives ${field} from ${fieldList(have)} for ${problem}: change the list, or check the workflow's plugin is the one the config needs`;
}
