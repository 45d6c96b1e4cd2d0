import { BiaflowError } from '../errors';
import type { PipelineStages } from './pipeline';

/** Prediction and evaluation stages of core's pipeline (per-image loop, outputs, metrics). */
export const coreStages: PipelineStages = {
  async predict() {
    throw new BiaflowError('prediction is not available in this build yet (image I/O has not landed)');
  },
  async evaluate() {
    throw new BiaflowError('evaluation is not available in this build yet (image I/O has not landed)');
  },
};
