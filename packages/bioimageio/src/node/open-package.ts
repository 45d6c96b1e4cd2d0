import fs from 'node:fs';
import path from 'node:path';
import { BioimageioError } from '../errors';
import { loadModelPackage, type ModelPackage, type PackageSource } from '../package-source';
import { folderSource } from './folder-source';
import { zipSource } from './zip-source';

/**
 * The package at `target`: a folder holding `bioimageio.yaml` (or `rdf.yaml`), the description
 * file itself (its folder is the package), or a `.zip` of the package.
 */
export async function openPackageSource(target: string): Promise<{ source: PackageSource; descriptionFile?: string }> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(target);
  } catch {
    throw new BioimageioError('no such file or folder', { file: target, hint: 'give a package folder, its bioimageio.yaml, or a .zip of it' });
  }
  if (stat.isDirectory()) return { source: folderSource(target) };
  if (/\.ya?ml$/i.test(target)) return { source: folderSource(path.dirname(target)), descriptionFile: path.basename(target) };
  if (/\.zip$/i.test(target)) return { source: await zipSource(target) };
  throw new BioimageioError('not a zoo package: expected a folder, a .yaml description or a .zip archive', { file: target });
}

/** Open and read a zoo model package (see `openPackageSource`); throws a `BioimageioError` naming the file and field of any problem. */
export async function readModelPackage(target: string, options: { check?: boolean } = {}): Promise<ModelPackage> {
  const { source, descriptionFile } = await openPackageSource(target);
  return loadModelPackage(source, { descriptionFile, check: options.check });
}
