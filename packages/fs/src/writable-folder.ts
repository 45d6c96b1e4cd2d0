import fs from 'node:fs';
import path from 'node:path';
import { FileSystemError } from './errors';
import { createExclusiveSync, temporaryPath } from './atomic-write';
import { nearestExisting } from './make-dirs';
import { hintFor, isSystemCallError, reasonOf } from './system-faults';

/**
 * Before any work, make sure a folder can hold a run's files: refuse pseudo file systems, create
 * the missing folders one at a time, then write, flush and remove a small probe file. Every
 * refusal is a FileSystemError with exit code 2 naming the folder and the reason, so a read-only
 * mount or a full disk is found in a second, not after an hour of training.
 */

/** statfs types of kernel file systems that show kernel state and cannot hold a user's files (linux/magic.h). */
const PSEUDO_FILE_SYSTEMS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x1cd1: 'devpts',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0xcafe4a11: 'bpf',
  0x62656570: 'configfs',
  0x6165676c: 'pstore',
  0xde5e81e4: 'efivarfs',
  0x65735543: 'fusectl',
  0x42494e4d: 'binfmt_misc',
  0x19800202: 'mqueue',
  0x6e736673: 'nsfs',
  0xf97cff8c: 'selinuxfs',
};

/** Where the kernel's own views are mounted on Linux, whatever the file system type says. */
const PSEUDO_ROOTS = ['/proc', '/sys'];

/** The pseudo file system `existing` (a path that exists) lies on, if any. */
function pseudoFileSystem(existing: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const real = fs.realpathSync(existing);
  const root = PSEUDO_ROOTS.find((r) => real === r || real.startsWith(`${r}/`));
  if (root) return root === '/proc' ? 'proc' : 'sysfs';
  const type = fs.statfsSync(real).type;
  return PSEUDO_FILE_SYSTEMS[type];
}

/** Exit-2 fault of preparing `dir`: `what` went wrong (`cannot be created`), and why. */
function refusal(e: unknown, dir: string, label: string, what: string): unknown {
  if (!isSystemCallError(e)) return e;
  const file = e.path ?? dir;
  // The probe's own name tells nothing; a parent that could not be made does.
  const where = file === dir || path.dirname(file) === dir ? '' : ` (${e.syscall} ${file})`;
  return new FileSystemError(`${label} ${dir} ${what}: ${reasonOf(e)}${where}`, { file: dir, code: e.code, exitCode: 2, hint: hintFor(e.code, file), cause: e });
}

/**
 * Create `dir` if needed and prove a file can be written there. `label` names the folder in
 * messages (`--out`).
 */
export function ensureWritableFolder(dir: string, label = 'folder'): void {
  const abs = path.resolve(dir);
  try {
    const { existing, missing } = nearestExisting(abs);
    const pseudo = pseudoFileSystem(existing);
    if (pseudo) {
      throw new FileSystemError(`${label} ${abs} is on the ${pseudo} pseudo file system (${existing}), which cannot hold files`, {
        file: abs,
        exitCode: 2,
        hint: 'choose a folder on a disk',
      });
    }
    if (missing.length === 0 && !fs.statSync(abs).isDirectory()) {
      throw new FileSystemError(`${label} ${abs} is a file, not a folder`, { file: abs, exitCode: 2 });
    }
    for (const d of missing) fs.mkdirSync(d);
  } catch (e) {
    throw refusal(e, abs, label, 'cannot be created');
  }
  try {
    const probe = temporaryPath(path.join(abs, 'biaflow-probe'));
    try {
      // Created exclusively: a link planted under the probe's name is removed, never written through.
      const fd = createExclusiveSync(probe);
      try {
        fs.writeSync(fd, 'biaflow probe\n');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      fs.rmSync(probe, { force: true });
    }
  } catch (e) {
    throw refusal(e, abs, label, 'cannot hold files (a test write failed)');
  }
}
