import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeImageSync } from 'biaflow';
import { type TypedArray } from '@biaflow/core/internals';

/** Helpers for data-pipeline tests: small real image files written with core's writer. */
export function tempDir(prefix = 'biaflow-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Write an image file (format by extension: .tif or .png); axes default to YX / ZYX. */
export function writeTestImage(file: string, data: TypedArray, shape: number[], axes?: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeImageSync(file, { data, shape, axes: axes ?? (shape.length === 3 ? 'ZYX' : 'YX') });
}
