import { section } from '../schema-helpers';

/** Core's `metrics:` section holds no key itself: workflow plugins add theirs (`kernel.extendConfigSection`). */
export const metricsSection = section({}, 'How predictions are scored when ground truth exists (keys added by the workflow plugins).');
