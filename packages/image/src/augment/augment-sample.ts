import type { AugmentSettings } from './augment-settings';
import type { NdArray, PointList } from '../types';
import { toFloat32 } from '../ndarray';
import type { RandomSource } from '../random/random-source';
import { coreRandom } from '../random/core-random';
import { coordinateMap, elasticDisplacement, flip, rot90, warpLinear, warpNearest } from './geometric';
import { adjustBrightness, adjustContrast, adjustGamma, blur, fillBoxes, gaussianNoise, poissonNoise, randomBoxes } from './intensity';
import { volumeShape } from './volume';
import { dropPointsInBoxes, flipPoints, rot90Points } from '../point-geometry/exact-point-transforms';
import { warpPoints } from '../point-geometry/warp-points';

/** What augmentation changes: the image, and the label and target exactly alike. */
export interface AugmentableSample {
  /** Channels last, `[y, x, c]` or `[z, y, x, c]`. */
  image: NdArray;
  /** Same spatial shape as the image; optional trailing channel axis. Resampled by nearest value. */
  label?: NdArray;
  /** Like `label` (a target computed before augmentation moves with the image too). */
  target?: NdArray;
  /**
   * Point annotations in the sample's pixel coordinates (`[y, x]` / `[z, y, x]` per point, pixel
   * centres on integers). Moved as coordinates by the same transform as the image, never drawn
   * and resampled: those that leave the sample are dropped; mirrored copies appear where the
   * image shows mirrored content (see `warpPoints`).
   */
  points?: PointList;
}

/**
 * Each augmentation draws from its own generator, seeded by the sample seed and the augmentation's
 * fixed id: switching one augmentation on or off never changes what the others do.
 */
const OP = { flip: 1, rot90: 2, rotate: 3, zoom: 4, elastic: 5, gamma: 6, brightness: 7, contrast: 8, blur: 9, gaussianNoise: 10, poissonNoise: 11, cutout: 12 } as const;

/**
 * Augment one sample (pure: same settings, seed and input → same output). Geometric augmentations
 * first (flips, 90° rotations, then rotation + zoom + elastic in a single resampling), then
 * intensity ones on the image only, then cut-out. The image comes out float32; labels keep their
 * dtype; points stay coordinates, moved by each geometric augmentation exactly as the image. When
 * `applied` is given, the names of the augmentations applied are pushed to it.
 */
export function augmentSample<S extends AugmentableSample>(
  sample: S,
  settings: AugmentSettings,
  seed: number,
  ndim: 2 | 3,
  applied?: string[],
  random: RandomSource = coreRandom,
): S {
  let image = toFloat32(sample.image, false);
  let label = sample.label;
  let target = sample.target;
  let points = sample.points;
  const rng = (op: number) => random.generator(seed, 'augmentation', op);
  const note = (what: string) => applied?.push(what);
  const geometric = (f: <T extends NdArray>(a: T) => T) => {
    image = f(image);
    if (label) label = f(label);
    if (target) target = f(target);
  };

  if (!settings.enabled) return { ...sample, image };

  // Flips: one draw per listed axis.
  const flipRng = rng(OP.flip);
  for (const axisName of settings.flip.axes) {
    const axis = axisName === 'z' ? (ndim === 3 ? 0 : -1) : axisName === 'y' ? ndim - 2 : ndim - 1;
    const draw = flipRng.chance(settings.flip.probability);
    if (axis < 0 || !draw) continue;
    if (points) points = flipPoints(points, image.shape.slice(0, ndim), axis);
    geometric((a) => flip(a, ndim, axis) as typeof a);
    note(`flip ${axisName}`);
  }

  const { Z, Y, X } = volumeShape(image, ndim);
  const rotRng = rng(OP.rot90);
  if (rotRng.chance(settings.rot90.probability)) {
    // Odd quarter turns would swap y and x: only allowed when the sample is square.
    const k = Y === X ? rotRng.intBetween(1, 3) : 2;
    if (points) points = rot90Points(points, image.shape.slice(0, ndim), k);
    geometric((a) => rot90(a, ndim, k) as typeof a);
    note(`rot90 ×${k}`);
  }

  let angle = 0;
  let zoom = 1;
  let zoomZ = 1;
  let displacement: Float32Array | undefined;
  const rotateRng = rng(OP.rotate);
  if (rotateRng.chance(settings.rotate.probability)) {
    const [lo, hi] = settings.rotate.degrees;
    const degrees = rotateRng.uniform(lo, hi);
    angle = (degrees * Math.PI) / 180;
    note(`rotate ${degrees.toFixed(1)}°`);
  }
  const zoomRng = rng(OP.zoom);
  if (zoomRng.chance(settings.zoom.probability)) {
    zoom = zoomRng.uniform(settings.zoom.range[0], settings.zoom.range[1]);
    if (ndim === 3 && settings.zoom.in_z) zoomZ = zoom;
    note(`zoom ×${zoom.toFixed(2)}`);
  }
  const elasticRng = rng(OP.elastic);
  if (elasticRng.chance(settings.elastic.probability) && settings.elastic.alpha > 0) {
    displacement = elasticDisplacement(Y, X, settings.elastic.alpha, settings.elastic.sigma, () => elasticRng.next());
    note(`elastic α=${settings.elastic.alpha}`);
  }
  if (angle !== 0 || zoom !== 1 || displacement) {
    const params = { angle, zoom, zoomZ, displacement };
    const map = coordinateMap(Z, Y, X, params);
    if (points) points = warpPoints(points, image.shape.slice(0, ndim), params).points;
    image = warpLinear(image, ndim, map);
    if (label) label = warpNearest(label, ndim, map);
    if (target) target = warpNearest(target, ndim, map);
  }

  const gammaRng = rng(OP.gamma);
  if (gammaRng.chance(settings.gamma.probability)) {
    const g = gammaRng.uniform(settings.gamma.range[0], settings.gamma.range[1]);
    image = adjustGamma(image, g);
    note(`gamma ${g.toFixed(2)}`);
  }
  const brightRng = rng(OP.brightness);
  if (brightRng.chance(settings.brightness.probability)) {
    const b = brightRng.uniform(settings.brightness.range[0], settings.brightness.range[1]);
    image = adjustBrightness(image, b);
    note(`brightness ${b >= 0 ? '+' : ''}${b.toFixed(2)}`);
  }
  const contrastRng = rng(OP.contrast);
  if (contrastRng.chance(settings.contrast.probability)) {
    const c = contrastRng.uniform(settings.contrast.range[0], settings.contrast.range[1]);
    image = adjustContrast(image, c);
    note(`contrast ×${c.toFixed(2)}`);
  }
  const blurRng = rng(OP.blur);
  if (blurRng.chance(settings.blur.probability)) {
    const s = blurRng.uniform(settings.blur.sigma[0], settings.blur.sigma[1]);
    image = blur(image, ndim, s);
    note(`blur σ=${s.toFixed(2)}`);
  }
  const noiseRng = rng(OP.gaussianNoise);
  if (noiseRng.chance(settings.gaussian_noise.probability)) {
    const s = noiseRng.uniform(settings.gaussian_noise.std[0], settings.gaussian_noise.std[1]);
    image = gaussianNoise(image, s, noiseRng);
    note(`gaussian noise ${s.toFixed(3)}`);
  }
  const poissonRng = rng(OP.poissonNoise);
  if (poissonRng.chance(settings.poisson_noise.probability)) {
    const peak = poissonRng.uniform(settings.poisson_noise.peak[0], settings.poisson_noise.peak[1]);
    image = poissonNoise(image, peak, poissonRng);
    note(`poisson noise peak ${peak.toFixed(0)}`);
  }
  const cutRng = rng(OP.cutout);
  if (cutRng.chance(settings.cutout.probability)) {
    const count = cutRng.intBetween(Math.round(settings.cutout.count[0]), Math.round(settings.cutout.count[1]));
    const v = volumeShape(image, ndim);
    const boxes = randomBoxes(v.Z, v.Y, v.X, count, settings.cutout.size as [number, number], cutRng);
    if (image === sample.image) image = toFloat32(image);
    fillBoxes(image, ndim, boxes, settings.cutout.fill);
    if (settings.cutout.apply_to_label) {
      if (label) {
        if (label === sample.label) label = { data: label.data.slice(), shape: [...label.shape] };
        fillBoxes(label, ndim, boxes, 0);
      }
      if (target) {
        if (target === sample.target) target = { data: target.data.slice(), shape: [...target.shape] };
        fillBoxes(target, ndim, boxes, 0);
      }
      if (points) points = dropPointsInBoxes(points, image.shape.slice(0, ndim), boxes);
    }
    note(`cutout ×${count}`);
  }

  const out = { ...sample, image };
  if (label) out.label = label;
  if (target) out.target = target;
  if (points) out.points = points;
  return out;
}
