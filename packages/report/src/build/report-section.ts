import { z, type ResolvedConfig } from '@biaflow/core';

/**
 * The `report:` config section (optional: a config without it gets the defaults, and the resolved
 * config saved with a run holds it only when the config set it).
 */
export const reportSection = z
  .strictObject({
    intensity: z
      .enum(['per_image', 'shared'])
      .default('per_image')
      .describe(
        "How the report's pictures are stretched to 8 bits. per_image: each between its own 0.5th and 99.5th percentile. shared: one range for every picture of the run — inputs between the percentiles of all inputs shown, image results and their ground truth between those of all results shown — so an intensity is the same grey in every picture.",
      ),
  })
  .optional()
  .describe('The run report (report.html and report/*-overlay.png): how its pictures are drawn.');

export type ReportSettings = NonNullable<z.output<typeof reportSection>>;

/** The `report:` settings of a resolved config (the defaults when it has none). */
export function reportSettings(config: ResolvedConfig): ReportSettings {
  return (config.report as ReportSettings | undefined) ?? { intensity: 'per_image' };
}
