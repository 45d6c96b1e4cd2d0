import type { Image, ImageHeader, ImageToWrite, PointList } from '@biaflow/image';

export type { ImageHeader };
/** An image handed to a writer: the array, with the axes, spacing and sample type to record. */
export type WriteImageInput = ImageToWrite;

/** What a run asks of every reader. */
export interface ReadImageOptions {
  /**
   * The run's `system.max_image_megavoxels`: a reader that can tell the size from the file's header
   * refuses a larger image (InputError naming the file) before decoding it.
   */
  maxMegavoxels?: number;
}

/** What a run asks of a writer. */
export interface WriteImageOptions {
  /** `none` or `deflate` (label images are written deflated); formats without compression ignore it. */
  compression?: 'none' | 'deflate';
  /** Compression level, 1 (fastest) to 9 (smallest). */
  level?: number;
}

/**
 * Reads one image file format. `@biaflow/io` contributes TIFF, PNG and JPEG; a plugin adds a format by
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

/** Writes one image file format (by extension). `@biaflow/io` contributes TIFF (ImageJ hyperstacks) and PNG. */
export interface ImageWriter {
  name: string;
  extensions: readonly string[];
  /** Write the file completely or not at all (temporary name, then rename). */
  write(file: string, image: WriteImageInput, options?: WriteImageOptions): Promise<void>;
}

/**
 * Reads and writes point lists (labels and results of point workflows) in one file format, chosen by extension
 * (`kernel.registerPointsFormat`). `@biaflow/io` contributes BiaPy's CSV (`axis-0`, `axis-1`[, `axis-2`]).
 */
export interface PointsFormat {
  name: string;
  /** Lower-case extensions with the dot (`.csv`). */
  extensions: readonly string[];
  /** The points of a file, in pixels along the array axes; a bad file throws an InputError naming it. */
  read(file: string): Promise<PointList>;
  /** Write the file completely or not at all (temporary name, then rename). */
  write(file: string, points: PointList): Promise<void>;
}
