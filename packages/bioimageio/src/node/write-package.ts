import fs from 'node:fs';
import path from 'node:path';
import { buildPackage, type BuiltPackage } from '../build-package';
import { BioimageioError } from '../errors';
import { createZip } from '../zip';
import { bundledSchemaValidator } from './schema';
import { sha256Bytes } from './sha256';

let counter = 0;
/** A temporary name beside `target`, unique to this process and call: `.<name>.tmp-<pid>-<n>` (core's scheme too). */
function temporaryPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${counter++}`);
}

const TEMPORARY_NAME = /^\.(.+)\.tmp-(\d+)-\d+$/;

/** Whether process `pid` runs on this host (EPERM: it runs, as another user). */
function isLiveProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what a killed write of `target` left beside it (`.<name>.tmp-<pid>-<n>`, a whole package
 * folder or zip): only entries whose writing process is gone, that belong to this user, looked at
 * with `lstat` (a link left under such a name is removed itself, never followed). A write in
 * progress (its process alive, this one included) is left alone. Returns the names removed.
 */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const dir = path.dirname(path.resolve(target));
  const name = path.basename(target);
  const removed: string[] = [];
  for (const entry of await fs.promises.readdir(dir).catch(() => [] as string[])) {
    const m = TEMPORARY_NAME.exec(entry);
    if (!m || m[1] !== name) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isLiveProcess(pid)) continue;
    const p = path.join(dir, entry);
    const stat = await fs.promises.lstat(p).catch(() => undefined);
    if (!stat || (typeof process.getuid === 'function' && stat.uid !== process.getuid())) continue;
    // rm removes a link itself and does not follow links inside a folder it removes.
    await fs.promises.rm(p, { recursive: stat.isDirectory(), force: true }).then(
      () => removed.push(entry),
      () => undefined,
    );
  }
  return removed;
}

export interface WriteOptions {
  /** Replace an existing package at the target (default: refuse). */
  overwrite?: boolean;
}

/**
 * Write a zoo package: `bioimageio.yaml` (format_version 0.5.7, sha256 of every file filled in,
 * validated against the bundled schema first) and the files, into a folder or, when `target`
 * ends in `.zip`, a zip archive. Written under a temporary name and renamed, so a crash never
 * leaves a half-written package.
 */
export async function writeModelPackage(
  target: string,
  description: Record<string, unknown>,
  files: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>,
  options: WriteOptions = {}
): Promise<BuiltPackage> {
  const built = await buildPackage(description, files, { sha256: sha256Bytes, validator: bundledSchemaValidator() });
  await removeStaleTemporaries(target);
  const exists = fs.existsSync(target);
  if (exists && !options.overwrite) throw new BioimageioError('already exists; pass overwrite: true to replace it', { file: target });
  await fs.promises.mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = temporaryPath(target);
  try {
    if (/\.zip$/i.test(target)) {
      const handle = await fs.promises.open(tmp, 'w');
      try {
        await handle.writeFile(createZip(built.files));
        await handle.sync();
      } finally {
        await handle.close();
      }
    } else {
      await fs.promises.mkdir(tmp);
      for (const [name, bytes] of built.files) {
        const file = path.join(tmp, ...name.split('/'));
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        const handle = await fs.promises.open(file, 'w');
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    }
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  // Swap in the new package; the old one (if replaced) is removed only after the swap.
  const old = exists ? temporaryPath(target) : undefined;
  if (old) await fs.promises.rename(target, old);
  await fs.promises.rename(tmp, target);
  if (old) await fs.promises.rm(old, { recursive: true, force: true });
  return built;
}
