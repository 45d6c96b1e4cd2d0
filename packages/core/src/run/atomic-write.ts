import fs from 'node:fs';
import path from 'node:path';

let counter = 0;

/** A temporary name beside `target`, unique to this process and call. */
export function temporaryPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${counter++}`);
}

/**
 * Write a file so it is either absent, or complete: write to a temporary name, flush it to disk,
 * then rename over the target (atomic on one filesystem). A crash never leaves a half-written output.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const tmp = temporaryPath(target);
  const handle = await fs.promises.open(tmp, 'w');
  try {
    // A list of parts is written in order (large images: no concatenated copy of the whole file).
    // writeFile on a handle writes all of it from the current position, so parts append in order.
    for (const part of Array.isArray(data) ? (data as readonly Uint8Array[]) : [data as string | Uint8Array]) await handle.writeFile(part);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.rename(tmp, target);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

export function writeFileAtomicSync(target: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = temporaryPath(target);
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const part of Array.isArray(data) ? (data as readonly Uint8Array[]) : [data as string | Uint8Array]) fs.writeFileSync(fd, part);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
}

/**
 * Replace a whole folder atomically (model bundles, checkpoints): `fill` writes into a temporary
 * folder, which then takes the target's place. The previous version is removed only after the swap.
 */
export async function replaceDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const tmp = temporaryPath(target);
  await fs.promises.mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = fs.existsSync(target) ? temporaryPath(target) : undefined;
  if (old) await fs.promises.rename(target, old);
  await fs.promises.rename(tmp, target);
  if (old) await fs.promises.rm(old, { recursive: true, force: true });
}
