import { ConfigError, positiveInt, z, type ResolvedConfig } from '@biaflow/core';

export const POINT_TARGETS = ['disk', 'gaussian'] as const;
export type PointTargetShape = (typeof POINT_TARGETS)[number];

/** The `detection:` config section: how point labels become what the network learns. */
export const detectionSection = z
  .strictObject({
    classes: positiveInt()
      .default(1)
      .describe(
        'Point classes: the `class` column of the point CSVs holds 1..classes (no column = class 1). The network has one output channel per class.',
      ),
    target: z
      .enum(POINT_TARGETS)
      .default('disk')
      .describe('What each point becomes in the training target: disk (a disk / ball of value 1, as BiaPy) or gaussian (a blob exp(−d²/2σ²) with σ = radius, peak 1).'),
    radius: z
      .union([z.number().min(0), z.array(z.number().min(0)).min(2).max(3)])
      .default(2)
      .describe(
        'Radius in pixels of the disk (or σ of the Gaussian) drawn at each point: one number, or one per spatial axis ([z, y, x]) for anisotropic 3D data, e.g. [1, 2, 2].',
      ),
  })
  .prefault({})
  .describe('Point detection: targets made from point CSVs (BiaPy columns axis-0, axis-1[, axis-2] and optional class).');

export type DetectionSettings = z.output<typeof detectionSection>;

/** The `detection:` section of a resolved config (defaults filled in). */
export function detectionSettings(config: ResolvedConfig): DetectionSettings {
  return detectionSection.parse(config.detection ?? {});
}

/** The radius along each spatial axis, checked against the dimensionality. */
export function radiusPerAxis(radius: number | number[], ndim: 2 | 3): number[] {
  if (typeof radius === 'number') return Array<number>(ndim).fill(radius);
  if (radius.length !== ndim) {
    throw new ConfigError([
      { path: 'detection.radius', message: `has ${radius.length} values but problem.ndim is ${ndim}: give one number, or one per spatial axis` },
    ]);
  }
  return [...radius];
}
