import type { Image } from '@biaflow/image';
import type { ImageHeader } from '../../io/image-header';
import type { ReadImageOptions } from '../../io/image-size-limit';
import type { WriteImageInput, WriteImageOptions } from '../../io/write-image';

/**
 * Reads one image file format. Core contributes TIFF, PNG and JPEG; a plugin adds a format by
 * registering another (`kernel.registerImageReader`), and every folder the run lists then includes
 * files with its extensions. A reader registered later for the same extension takes precedence.
 */
export interface ImageReader {
  /** Short name of the format, for messages (`tiff`, `npy`). */
  name: string;
  /** Lower-case extensions with the dot (`.tif`, `.npy`). */
  extensions: readonly string[];
  /** True when a file's first bytes (up to 16) are this format; readers without it are chosen by extension. */
  sniff?(head: Uint8Array): boolean;
  /**
   * The image with its axes and spacing, data in the file's own axis order. Bad files throw an
   * InputError naming the file. `options.maxMegavoxels` (the run's `system.max_image_megavoxels`)
   * caps the decoded size: a reader that can tell the size from the file's header refuses a larger
   * image with an InputError before decoding it.
   */
  read(file: string, options?: ReadImageOptions): Promise<Image>;
  /**
   * Shape, axes, sample type and spacing from the file's header, without decoding pixels (checks made
   * before any work); undefined when it cannot tell. Readers without it are not checked that way.
   */
  header?(file: string): ImageHeader | undefined;
}

/** Writes one image file format (by extension). Core contributes TIFF (ImageJ hyperstacks) and PNG. */
export interface ImageWriter {
  name: string;
  extensions: readonly string[];
  /** Write the file completely or not at all (temporary name, then rename). */
  write(file: string, image: WriteImageInput, options?: WriteImageOptions): Promise<void>;
}
