import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Real faulty file systems for tests: a read-only bind mount and a tiny tmpfs, made in the test's
 * own temporary folder and unmounted by `unmountAll` (call it in afterAll). Tests run as root here,
 * which ignores permission bits, so a mount is the only honest read-only folder. When mounting is
 * impossible the test fails with this explanation: it is never skipped.
 */
export interface Mounts {
  /** A tmpfs of `size` (`256k`) at `dir` (created). */
  tmpfs(dir: string, size: string): string;
  /** Change the size of a tmpfs made here (freeing space without touching its files). */
  resize(dir: string, size: string): void;
  /** `src` mounted read-only at `dir` (created). */
  readOnly(src: string, dir: string): string;
  unmountAll(): void;
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` failed (${(r.stderr || r.error?.message || '').trim()}): ` +
        'these tests need to mount file systems (root, or CAP_SYS_ADMIN) to make a read-only folder and a full disk',
    );
  }
}

export function mounts(): Mounts {
  const made: string[] = [];
  return {
    tmpfs(dir, size) {
      fs.mkdirSync(dir, { recursive: true });
      run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
      made.push(dir);
      return dir;
    },
    resize(dir, size) {
      run('mount', ['-o', `remount,size=${size}`, dir]);
    },
    readOnly(src, dir) {
      fs.mkdirSync(dir, { recursive: true });
      run('mount', ['--bind', src, dir]);
      made.push(dir);
      run('mount', ['-o', 'remount,ro,bind', dir]);
      return dir;
    },
    unmountAll() {
      for (const dir of made.reverse()) spawnSync('umount', ['-l', dir]);
      made.length = 0;
    },
  };
}
