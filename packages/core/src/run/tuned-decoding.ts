import fs from 'node:fs';
import path from 'node:path';
import type { TunedDecoding } from '../kernel/contributions/model-bundle';
import { isBundle, readBundleMeta } from './bundle-files';
import type { RunContext } from '../kernel/run-context';
import type { PlannedStep } from '../config/postprocess-plan';
import { modelLoadPath } from './model-ref';
import { readModel } from './read-model';
import { RunFiles } from './run-folder';

/**
 * The thresholds tuned into the run's model (biaflow.json `tuned`), if any: the model it trained,
 * else `model.load` — a bundle, or a model a format reads (whose meta may carry them, e.g. a zoo
 * package biaflow exported).
 */
export async function modelTuning(run: RunContext): Promise<TunedDecoding | undefined> {
  const trained = path.join(run.runDir, RunFiles.model);
  try {
    if (isBundle(trained)) return (await readBundleMeta(trained)).tuned;
    const load = modelLoadPath(run);
    if (!load || !fs.existsSync(load)) return undefined;
    const { source } = await readModel(load, run.kernel, { maxMegavoxels: run.config.system.max_image_megavoxels });
    await source.dispose?.();
    return source.meta.tuned;
  } catch {
    return undefined; // a model that cannot be read is reported where it is opened
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
