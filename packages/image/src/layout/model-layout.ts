import { ImageError } from '../image-error';
import { validateAxes } from './axes';
import { product } from './dtype';
import { transpose } from './transpose';
import type { Image, NdArray } from '../types';

/**
 * An image in the models' layout: channels last, `[y, x, c]` for 2D and `[z, y, x, c]` for 3D,
 * same dtype, values untouched. `C` and `S` both count as channels (`C` outer, `S` inner when an
 * image has both); axes of length 1 (a single time point, a single plane) are dropped.
 */
export function toModelLayout<T extends Image>(image: T, ndim: 2 | 3, what = 'image'): NdArray<T['data']> {
  const axes = validateAxes(image.axes, image.shape, what);
  const size = (a: string) => (axes.includes(a) ? image.shape[axes.indexOf(a)] : 1);
  const fail = (msg: string): never => {
    throw new ImageError(`${msg} (axes ${axes}, shape [${image.shape.join(', ')}])`, { file: what });
  };
  if (size('T') > 1) fail(`has ${size('T')} time points; a model takes one time point at a time, split the time series first`);
  if (ndim === 2 && size('Z') > 1) fail(`is a 3D stack of ${size('Z')} planes but the workflow is 2D (set the problem to 3D, or give 2D images)`);
  if (ndim === 3 && !axes.includes('Z')) fail('is 2D but the workflow is 3D (give Z stacks, or set the problem to 2D)');

  const order = (ndim === 3 ? ['Z', 'Y', 'X'] : ['Y', 'X']).concat(['C', 'S']).filter((a) => axes.includes(a));
  // Remaining axes (T or Z of length 1) go first; they have length 1, so dropping them is a reshape.
  const rest = [...axes].filter((a) => !order.includes(a));
  const moved = transpose(image as NdArray<T['data']>, [...rest, ...order].map((a) => axes.indexOf(a)));
  const channels = size('C') * size('S');
  const spatial = (ndim === 3 ? ['Z', 'Y', 'X'] : ['Y', 'X']).map(size);
  return { data: moved.data, shape: [...spatial, channels] };
}

/**
 * The inverse of `toModelLayout`: a channels-last array (`[y,x,c]` / `[z,y,x,c]`, e.g. a model's
 * prediction) back in the axis order of `like` (the image it came from). The channel count may
 * differ from the input's (a model predicting 3 classes for a grey image): then the channel goes
 * into `like`'s C (or S) axis, or a new `C` axis placed right before Y (ImageJ's TZCYX order). Axes of
 * length 1 in `like` come back with length 1. Returns the axes of the result too.
 */
export function fromModelLayout<A extends NdArray>(
  array: A,
  like: Pick<Image, 'axes' | 'shape'>,
  what = 'prediction',
): NdArray<A['data']> & { axes: string } {
  const likeAxes = validateAxes(like.axes, like.shape, what);
  const nd = array.shape.length;
  if (nd !== 3 && nd !== 4) {
    throw new ImageError(`expected a channels-last array [y,x,c] or [z,y,x,c], got shape [${array.shape.join(', ')}]`, { file: what });
  }
  if (array.data.length !== product(array.shape)) {
    throw new ImageError(`data holds ${array.data.length} values but shape [${array.shape.join(', ')}] needs ${product(array.shape)}`, { file: what });
  }
  const c = array.shape[nd - 1];
  let srcAxes = nd === 4 ? 'ZYX' : 'YX';
  let srcShape = array.shape.slice(0, nd - 1);
  if (nd === 4 && !likeAxes.includes('Z')) {
    if (srcShape[0] !== 1) {
      throw new ImageError(`a 3D result (${srcShape[0]} planes) cannot take the axes of a 2D image (${likeAxes})`, { file: what });
    }
    srcAxes = 'YX';
    srcShape = srcShape.slice(1);
  }
  const hasC = likeAxes.includes('C');
  const hasS = likeAxes.includes('S');
  const likeSize = (a: string) => like.shape[likeAxes.indexOf(a)];
  let targetAxes = likeAxes;
  if (hasC && hasS) {
    if (c === likeSize('C') * likeSize('S')) {
      srcAxes += 'CS';
      srcShape = [...srcShape, likeSize('C'), likeSize('S')];
    } else {
      throw new ImageError(
        `${c} channels do not split into the C (${likeSize('C')}) and S (${likeSize('S')}) axes of the original image`,
        { file: what },
      );
    }
  } else if (hasC || hasS) {
    srcAxes += hasC ? 'C' : 'S';
    srcShape = [...srcShape, c];
  } else if (c > 1) {
    srcAxes += 'C';
    srcShape = [...srcShape, c];
    const at = likeAxes.indexOf('Y');
    targetAxes = likeAxes.slice(0, at) + 'C' + likeAxes.slice(at);
  }
  // Axes of the target missing from the source (T, a Z of length 1) are inserted with length 1.
  const missing = [...targetAxes].filter((a) => !srcAxes.includes(a));
  const full: NdArray<A['data']> = { data: array.data as A['data'], shape: [...missing.map(() => 1), ...srcShape] };
  const fullAxes = missing.join('') + srcAxes;
  const out = transpose(full, [...targetAxes].map((a) => fullAxes.indexOf(a)));
  return { data: out.data, shape: out.shape, axes: targetAxes };
}
