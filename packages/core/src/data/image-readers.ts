import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import type { ImageReader, ImageWriter, PointsFormat } from '../kernel/contributions/image-io';

/** Every extension some reader takes, in registration order, without repeats. */
export function readerExtensions(readers: readonly ImageReader[]): string[] {
  return [...new Set(readers.flatMap((r) => r.extensions.map((e) => e.toLowerCase())))];
}

function readHead(file: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = new Uint8Array(16);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('image file does not exist', { file });
    if (code === 'EISDIR') throw new InputError('is a folder, not an image file', { file });
    throw new InputError(`cannot read image file (${(e as Error).message})`, { file, cause: e });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The reader for a file: the one that recognises its first bytes, else the one registered for its
 * extension (the last registered wins either way, so a plugin's reader overrides core's).
 */
export function readerFor(readers: readonly ImageReader[], file: string): ImageReader {
  const ext = path.extname(file).toLowerCase();
  const byExtension = [...readers].reverse().find((r) => r.extensions.includes(ext));
  const sniffing = [...readers].reverse().filter((r) => r.sniff);
  if (sniffing.length) {
    const head = readHead(file);
    const bySniff = sniffing.find((r) => r.sniff?.(head));
    if (bySniff) return bySniff;
  }
  if (byExtension) return byExtension;
  const head = readHead(file);
  const bytes = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new InputError(
    `not a supported image file: ${head.length === 0 ? 'the file is empty' : `it starts with bytes ${bytes}`} (readers: ${readers.map((r) => r.name).join(', ')})`,
    { file },
  );
}

/** The writer registered (last) for a file's extension. */
export function writerFor(writers: readonly ImageWriter[], file: string): ImageWriter {
  const ext = path.extname(file).toLowerCase();
  const writer = [...writers].reverse().find((w) => w.extensions.includes(ext));
  if (!writer) {
    throw new InputError(`cannot write images with extension '${ext || '(none)'}' (writers: ${writers.map((w) => `${w.name} ${w.extensions.join('/')}`).join(', ')})`, { file });
  }
  return writer;
}

/** The points format registered (last) for a file's extension. */
export function pointsFormatFor(formats: readonly PointsFormat[], file: string): PointsFormat {
  const ext = path.extname(file).toLowerCase();
  const format = [...formats].reverse().find((f) => f.extensions.includes(ext));
  if (!format) {
    throw new InputError(`no point-list format reads or writes '${ext || '(none)'}' files (formats: ${formats.map((f) => `${f.name} ${f.extensions.join('/')}`).join(', ') || 'none'})`, { file });
  }
  return format;
}
