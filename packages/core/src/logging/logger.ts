import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { prettyFactory } from 'pino-pretty';
import { printable } from '@biaflow/image';
import { isSystemCallError, reasonOf } from '@biaflow/fs';
import { openLogFile, type LogFile } from './log-file';
import { writeTerminal, writeTerminalFormatted } from './terminal';

import type { Logger } from '../kernel/contributions/logger';

export type { Logger };
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface LoggerOptions {
  /** Level of the terminal output (stderr). */
  level?: LogLevel;
  /** JSON-lines file that receives everything from `debug` up, whatever the terminal level. */
  file?: string;
  /** Human-readable terminal lines (default: on). */
  pretty?: boolean;
}

interface LoggerHandle {
  logger: Logger;
  /** Close the log file. */
  close(): void;
}

/**
 * One logger per run: JSON lines to `log.jsonl` (synchronous writes, so a crash loses no line)
 * and readable lines on the terminal. Terminal output goes to stderr so stdout stays for results.
 */
export function createLogger(options: LoggerOptions = {}): LoggerHandle {
  const level = options.level ?? 'info';
  const streams: pino.StreamEntry[] = [];
  let file: LogFile | undefined;
  if (options.file) {
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    const logPath = options.file;
    file = openLogFile(logPath, (e) => {
      const reason = isSystemCallError(e) ? reasonOf(e) : String(e);
      writeTerminal(`warning: cannot write the run log ${logPath} (${reason}); from now on it is only on the terminal\n`);
    });
    streams.push({ level: 'debug', stream: file });
  }
  if (level !== 'silent') {
    // Formatted here and written synchronously through writeTerminal, so a line lands above the
    // progress bars (when they are up) and in order with everything else on stderr.
    const pretty = prettyFactory({
      colorize: Boolean(process.stderr.isTTY),
      ignore: 'pid,hostname',
      translateTime: 'HH:MM:ss',
      // The terminal gets the sentence; the structured fields are in log.jsonl.
      hideObject: true,
      // Escaped before the colours go on, line breaks too (one record, one line): a name from a file
      // can neither act on the terminal nor forge a line (log.jsonl keeps JSON's escaping).
      messageFormat: (log, key) => printable(String(log[key] ?? '')),
    });
    const terminal = options.pretty === false ? { write: writeTerminal } : { write: (line: string) => writeTerminalFormatted(pretty(line)) };
    streams.push({ level, stream: terminal });
  }
  const lowest = streams.length ? (streams.some((s) => s.level === 'debug') && level !== 'trace' ? 'debug' : level) : 'silent';
  const logger = pino({ level: lowest, base: undefined }, pino.multistream(streams));
  return {
    logger,
    close() {
      file?.end();
    },
  };
}

/** A logger that writes nothing: for library calls made without a run. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
