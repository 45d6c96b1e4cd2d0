/** `[low, high]`: a value is drawn uniformly between them for each augmented sample. */
export type Range = readonly [number, number];

/** The spatial axes a flip may mirror (`z` is ignored for 2D data). */
export const FLIP_AXES = ['z', 'y', 'x'] as const;
export type FlipAxis = (typeof FLIP_AXES)[number];

/**
 * What `augmentSample` does, and with which probability: the `augment:` section of a biaflow config,
 * resolved (every key present). Each augmentation is drawn independently per sample.
 */
export interface AugmentSettings {
  enabled: boolean;
  flip: { probability: number; axes: readonly FlipAxis[] };
  rot90: { probability: number };
  rotate: { probability: number; degrees: Range };
  zoom: { probability: number; range: Range; in_z: boolean };
  elastic: { probability: number; alpha: number; sigma: number };
  gamma: { probability: number; range: Range };
  brightness: { probability: number; range: Range };
  contrast: { probability: number; range: Range };
  blur: { probability: number; sigma: Range };
  gaussian_noise: { probability: number; std: Range };
  poisson_noise: { probability: number; peak: Range };
  cutout: { probability: number; count: Range; size: Range; fill: number; apply_to_label: boolean };
}
