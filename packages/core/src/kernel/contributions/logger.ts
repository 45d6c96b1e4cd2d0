import type pino from 'pino';

/** The run's logger: JSON lines to `log.jsonl` and readable lines on the terminal (core's `logging/` makes it). */
export type Logger = pino.Logger;
