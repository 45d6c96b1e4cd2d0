import { pictureKernel } from './kernel';

/** The picture functions, from the same kernel the page embeds (see `kernel.ts` for why it is one closure). */
const kernel = pictureKernel();

export const {
  colours,
  marker,
  tintShare,
  base64Encode,
  base64Decode,
  encodePixels,
  encodeLabels,
  decodePixels,
  decodeLabels,
  contourMask,
  overlayInstances,
  overlayPoints,
  overlayClasses,
  classBorderWidth,
  overlaySemantic,
  renderImageOverlay,
} = kernel;
export { pictureKernel, type PictureKernel } from './kernel';
