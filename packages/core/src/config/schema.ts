import { z } from 'zod';
import { augmentSection } from './sections/augment';
import { dataSection } from './sections/data';
import { metricsSection } from './sections/metrics';
import { modelSection } from './sections/model';
import { pluginsSection } from './sections/plugins';
import { postprocessSection } from './sections/postprocess';
import { predictSection } from './sections/predict';
import { problemSection } from './sections/problem';
import { systemSection } from './sections/system';
import { trainSection } from './sections/train';
import type { ConfigSection } from '../kernel/kernel';

/** Sections of core. Each lives in its own file under sections/; plugins add theirs at load time. */
export const coreSections = {
  problem: problemSection,
  system: systemSection,
  data: dataSection,
  model: modelSection,
  train: trainSection,
  augment: augmentSection,
  predict: predictSection,
  postprocess: postprocessSection,
  metrics: metricsSection,
  plugins: pluginsSection,
};

export const coreSchema = z.strictObject(coreSections);

export type CoreConfig = z.output<typeof coreSchema>;

/**
 * The validated config a run sees. Plugin sections are typed by the plugin that reads them
 * (`config.instance` etc.), so they are `unknown` here.
 */
export type ResolvedConfig = CoreConfig & Record<string, unknown>;

/** The full schema: core sections plus those plugins registered. */
export function buildSchema(pluginSections: readonly ConfigSection[] = []) {
  return coreSchema.extend(Object.fromEntries(pluginSections.map((s) => [s.key, s.schema])));
}

/** Sections first-party plugins contribute, so an unknown key can name the package to install. */
export const FIRST_PARTY_SECTIONS: Record<string, string> = {
  semantic: '@biaflow/plugin-semantic',
  instance: '@biaflow/plugin-instance',
  detection: '@biaflow/plugin-detection',
  classification: '@biaflow/plugin-classification',
};
