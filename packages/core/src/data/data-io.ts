import { inject, injectable, injectAll } from 'tsyringe';
import { toModelLayout, type Image, type ImageHeader, type PointList } from '@biaflow/image';
import type { DataIO } from '../kernel/contributions/data-layout';
import type { ImageReader, PointsFormat } from '../kernel/contributions/image-io';
import type { ResolvedConfig } from '../kernel/config/schema';
import { Tokens } from '../kernel/tokens';
import { pointsFormatFor, readerExtensions, readerFor } from './image-readers';
import { listImageFiles } from './list-image-files';

/**
 * A run's data I/O (`Tokens.DataIO`), built by its container: images read by the registered readers
 * (the last one registered for a format wins), each read capped at the config's
 * `system.max_image_megavoxels`, and point lists by the registered points formats (by extension).
 * Its functions are bound: layouts and workflows pass them on (`io.readImage`).
 */
@injectable()
export class RunDataIO implements DataIO {
  readonly extensions: readonly string[];
  readonly listImageFiles: (dir: string) => string[];
  readonly readImage: (file: string) => Promise<Image>;
  readonly toModelLayout = toModelLayout;
  readonly readPoints?: (file: string) => Promise<PointList>;
  /** What a file's header says (shape, axes, dtype), when its reader can tell without decoding it. */
  readonly header: (file: string) => ImageHeader | undefined;

  constructor(
    @injectAll(Tokens.ImageReader, { isOptional: true }) readers: ImageReader[],
    @injectAll(Tokens.PointsFormat, { isOptional: true }) points: PointsFormat[],
    @inject(Tokens.Config) config: Pick<ResolvedConfig, 'system'>,
  ) {
    const extensions = readerExtensions(readers);
    this.extensions = extensions;
    this.listImageFiles = (dir) => listImageFiles(dir, extensions);
    this.readImage = (file) => readerFor(readers, file).read(file, { maxMegavoxels: config.system.max_image_megavoxels });
    this.header = (file) => readerFor(readers, file).header?.(file);
    if (points.length) this.readPoints = (file) => pointsFormatFor(points, file).read(file);
  }
}
