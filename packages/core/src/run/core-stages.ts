import type { PipelineStages } from './pipeline';
import { evaluateStage } from './evaluate-stage';
import { postprocessStage, predictStage } from './predict-stage';

/** Prediction and evaluation stages of core's pipeline. */
export const coreStages: PipelineStages = {
  predict: (run) => (run.command === 'postprocess' ? postprocessStage(run) : predictStage(run)),
  evaluate: (run) => evaluateStage(run),
};
