import { listImageFiles as listWith } from '@biaflow/core';
import { IMAGE_EXTENSIONS } from '../codecs/decode-image';

/**
 * Absolute paths of the image files this package reads (.tif, .tiff, .png, .jpg, .jpeg, or
 * `extensions`; any case) directly inside `dir`, sorted by name; hidden files are skipped. A path to
 * one file returns that file. (A run lists with the extensions of all its readers.)
 */
export function listImageFiles(dir: string, extensions: readonly string[] = IMAGE_EXTENSIONS): string[] {
  return listWith(dir, extensions);
}
