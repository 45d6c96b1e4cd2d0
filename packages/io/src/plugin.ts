import { definePlugin, type BiaflowPlugin } from '@biaflow/core';
import { IMAGE_READERS, IMAGE_WRITERS, POINTS_FORMATS } from './readers';
import { OUTPUT_KINDS } from './output-kinds';
import { IO_VERSION } from './version';

/** The image and point files every run reads and writes, registered like any plugin's contributions. */
export const ioPlugin: BiaflowPlugin = definePlugin({
  name: '@biaflow/io',
  version: IO_VERSION,
  core: '^0.1.0',
  description: 'image files (TIFF, PNG, JPEG) and point CSVs, and the results written as files (label images, point lists, float images)',
  apply(kernel) {
    for (const reader of IMAGE_READERS) kernel.registerImageReader(reader);
    for (const writer of IMAGE_WRITERS) kernel.registerImageWriter(writer);
    for (const format of POINTS_FORMATS) kernel.registerPointsFormat(format);
    for (const kind of OUTPUT_KINDS) kernel.registerOutputKind(kind);
  },
});
