import fs from 'node:fs';

/** A pino destination with the calls the run's logger handle makes. */
export interface LogFile {
  write(line: string): void;
  flushSync(): void;
  end(): void;
}

/**
 * The run log's file: each line appended with a synchronous write, so a crash loses no line.
 * A write the operating system refuses (a full disk) must neither throw into whatever code was
 * logging nor hang the process at exit, as a stream holding an unwritable buffer does: the first
 * failure goes to `onError`, and the file receives nothing more.
 */
export function openLogFile(file: string, onError: (e: unknown) => void): LogFile {
  // 'a+': appends, and lets the last byte be read.
  const fd = fs.openSync(file, 'a+');
  let failed = false;
  const append = (text: string) => {
    if (failed) return;
    const bytes = Buffer.from(text);
    try {
      for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
    } catch (e) {
      failed = true;
      onError(e);
    }
  };
  // A line cut by an earlier failure must not swallow the first line appended now.
  const size = fs.fstatSync(fd).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) append('\n');
  }
  let open = true;
  return {
    write: append,
    flushSync() {},
    end() {
      if (open) fs.closeSync(fd);
      open = false;
    },
  };
}
