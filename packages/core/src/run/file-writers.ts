import { injectable, injectAll } from 'tsyringe';
import type { PointList } from '@biaflow/image';
import { pointsFormatFor, writerFor } from '../data/image-readers';
import type { ImageWriter, PointsFormat, WriteImageInput, WriteImageOptions } from '../kernel/contributions/image-io';
import { Tokens } from '../kernel/tokens';

/**
 * How a run writes image and point files (`Tokens.FileWriters`), built by its container from the
 * registered writers and points formats: each file by the one registered last for its extension
 * (`@biaflow/io`'s TIFF, PNG and CSV unless a plugin registered another).
 */
@injectable()
export class FileWriters {
  constructor(
    @injectAll(Tokens.ImageWriter, { isOptional: true }) private readonly writers: ImageWriter[],
    @injectAll(Tokens.PointsFormat, { isOptional: true }) private readonly points: PointsFormat[],
  ) {}

  writeImage(file: string, image: WriteImageInput, options?: WriteImageOptions): Promise<void> {
    return writerFor(this.writers, file).write(file, image, options);
  }

  writePoints(file: string, points: PointList): Promise<void> {
    return pointsFormatFor(this.points, file).write(file, points);
  }
}
