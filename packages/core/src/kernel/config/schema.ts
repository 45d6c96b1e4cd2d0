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
import type { ConfigSection, SectionExtension } from '../config-sections';

/** Sections of core. Each lives in its own file under sections/; plugins add theirs at load time. */
const coreSections = {
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

type CoreConfig = z.output<typeof coreSchema>;

/**
 * The validated config a run sees. Plugin sections and keys are typed by the plugin that reads them
 * (`config.<section>`, `config.metrics.<key>`), so they are `unknown` here.
 */
export type ResolvedConfig = Omit<CoreConfig, 'metrics'> & { metrics: Record<string, unknown> } & Record<string, unknown>;

/** The full schema: core sections (with the keys plugins added to them) plus the sections plugins registered. */
export function buildSchema(pluginSections: readonly ConfigSection[] = [], extensions: readonly SectionExtension[] = []) {
  const shape: Record<string, z.ZodType> = { ...coreSections };
  for (const ext of extensions) {
    const base = shape[ext.section];
    // Core's sections are strict objects wrapped in a prefault (missing → {}); extend the object inside.
    const inner = ('unwrap' in base ? (base as unknown as { unwrap(): z.ZodType }).unwrap() : base) as z.ZodObject;
    shape[ext.section] = inner.extend(ext.shape).prefault({} as never).describe(base.description ?? '');
  }
  return z.strictObject({ ...shape, ...Object.fromEntries(pluginSections.map((s) => [s.key, s.schema])) });
}
