import type { ConfigIssue } from '../errors';
import type { Kernel } from '../kernel/kernel';
import type { PostprocessKind, RegisteredPostprocessMethod } from '../kernel/postprocess-method';
import type { ProblemType } from '../kernel/stages';

export interface PlannedStep {
  method: RegisteredPostprocessMethod;
  /** The options it runs with: those the config sets, then the defaults. */
  options: Record<string, unknown>;
  /** Options the config set itself (the others are defaults, which tuned values may replace). */
  explicit: ReadonlySet<string>;
  /** Position in `postprocess:`, or `default` for the workflow's decoding inserted by core. */
  from: number | 'default';
}

const ORDER: Record<PostprocessKind, number> = { filter: 0, decode: 1, refine: 2 };
const kindOf = (m: RegisteredPostprocessMethod): PostprocessKind => m.kind ?? 'refine';

/**
 * The steps to run for a problem: the configured ones, plus the workflow's default decoding
 * when none is listed, placed after the steps that filter the network output and before those
 * that refine the result. Steps out of order (a filter after the decoding) are reported.
 */
export function planPostprocess(
  steps: readonly ({ method: string } & Record<string, unknown>)[],
  kernel: Kernel,
  problem: ProblemType,
): { plan: PlannedStep[]; issues: ConfigIssue[] } {
  const methods = kernel.postprocessMethods;
  const plan: PlannedStep[] = [];
  const issues: ConfigIssue[] = [];
  steps.forEach(({ method, ...options }, i) => {
    const m = methods.get(method);
    if (!m) return;
    const parsed = m.options.safeParse(options);
    plan.push({ method: m, options: parsed.success ? (parsed.data as Record<string, unknown>) : options, explicit: new Set(Object.keys(options)), from: i });
  });
  if (!plan.some((s) => kindOf(s.method) === 'decode')) {
    const decoder = [...methods.values()].find((m) => kindOf(m) === 'decode' && m.defaultFor?.includes(problem));
    if (decoder) {
      const at = plan.findIndex((s) => kindOf(s.method) !== 'filter');
      const options = decoder.options.parse({}) as Record<string, unknown>;
      plan.splice(at === -1 ? plan.length : at, 0, { method: decoder, options, explicit: new Set(), from: 'default' });
    }
  }
  let highest = 0;
  let highestName = '';
  let highestKind: PostprocessKind = 'filter';
  for (const s of plan) {
    const rank = ORDER[kindOf(s.method)];
    if (rank < highest) {
      issues.push({
        path: typeof s.from === 'number' ? `postprocess[${s.from}].method` : 'postprocess',
        message: `"${s.method.name}" (${kindOf(s.method)}) cannot run after "${highestName}" (${highestKind}): ${
          rank === 0 ? 'it acts on the network output, which is already decoded there' : 'the result is already decoded there'
        }; move it earlier in the list`,
      });
    }
    if (rank >= highest) {
      highest = rank;
      highestName = s.method.name;
      highestKind = kindOf(s.method);
    }
  }
  const decoders = plan.filter((s) => kindOf(s.method) === 'decode');
  if (decoders.length > 1) {
    issues.push({ path: 'postprocess', message: `more than one decoding step: ${decoders.map((d) => d.method.name).join(', ')}` });
  }
  return { plan, issues };
}
