import fs from 'node:fs';
import { BioimageioError } from '../errors';
import type { PackageSource } from '../package-source';
import { indexZip, readZipEntry } from '../zip';
import { sha256Bytes } from './sha256';

/**
 * A package in a `.zip` archive. The archive is read into memory once (zoo packages are tens of
 * MB); each file is decompressed when asked for, never past its declared size nor a cap
 * (`readZipEntry`). Archives with entries outside the package root (`..`, absolute paths) are
 * refused when opened.
 */
export async function zipSource(zipPath: string): Promise<PackageSource> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.promises.readFile(zipPath));
  } catch (e) {
    throw new BioimageioError(`cannot read the archive (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: zipPath, cause: e });
  }
  const index = indexZip(bytes, zipPath);
  return {
    location: zipPath,
    exists: async (p) => index.names.has(p),
    read: async (p, limit) => readZipEntry(bytes, index, p, zipPath, limit),
    sha256: async (p) => sha256Bytes(readZipEntry(bytes, index, p, zipPath))
  };
}
