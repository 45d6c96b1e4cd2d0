import fs from 'node:fs';
import path from 'node:path';
import type { TunedDecoding } from '../engine/bundle/bundle-meta';
import { isBundle, readBundleMeta } from '../engine/bundle/save-load';
import type { RunContext } from '../kernel/run-context';
import type { PlannedStep } from './postprocess-plan';
import { modelLoadPath } from './model-ref';
import { RunFiles } from './run-folder';

/** The model a run's post-processing follows: the one it trained, else `model.load`; none when neither is a bundle. */
function modelDirOf(run: Pick<RunContext, 'runDir' | 'config' | 'configPath'>): string | undefined {
  const trained = path.join(run.runDir, RunFiles.model);
  if (isBundle(trained)) return trained;
  let load: string | undefined;
  try {
    load = modelLoadPath(run);
  } catch {
    return undefined; // an unknown model name is reported where the model is opened
  }
  return load && fs.existsSync(load) && isBundle(load) ? load : undefined;
}

/** The thresholds tuned into the run's model (biaflow.json `tuned`), if any. */
export async function modelTuning(run: Pick<RunContext, 'runDir' | 'config' | 'configPath'>): Promise<TunedDecoding | undefined> {
  const dir = modelDirOf(run);
  if (!dir) return undefined;
  try {
    return (await readBundleMeta(dir)).tuned;
  } catch {
    return undefined;
  }
}

/**
 * The plan with tuned values in place of defaults: a value the config sets itself wins, a tuned one
 * comes next, the step's default last. Returns the plan and the options that took a tuned value.
 */
export function withTunedValues(plan: PlannedStep[], tuned: TunedDecoding | undefined): { plan: PlannedStep[]; applied: Record<string, number>; kept: string[] } {
  const applied: Record<string, number> = {};
  const kept: string[] = [];
  if (!tuned) return { plan, applied, kept };
  const out = plan.map((step) => {
    if (step.method.name !== tuned.step) return step;
    const options = { ...step.options };
    for (const [key, value] of Object.entries(tuned.options)) {
      if (step.explicit.has(key)) kept.push(key);
      else {
        options[key] = value;
        applied[key] = value;
      }
    }
    return { ...step, options };
  });
  return { plan: out, applied, kept };
}
