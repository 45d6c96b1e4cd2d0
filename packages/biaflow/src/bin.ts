#!/usr/bin/env node
import 'reflect-metadata';
import { processIO, standardStreamFailure } from '@biaflow/core/internals';
import { main } from './main';

// Exit codes (docs/outputs.md): 0 success, 1 a run failed, 2 bad usage, config or input.
const io = processIO();
main(process.argv.slice(2), io).then(
  (code) => {
    // Results that could not be written (stdout redirected to a full disk) are a failure; a closed pipe is not.
    const lost = standardStreamFailure();
    if (lost && code === 0) {
      io.stderr(`error: cannot write to ${lost.stream}: ${lost.error.message}\n`);
      process.exitCode = 1;
    } else {
      process.exitCode = code;
    }
  },
  (e: unknown) => {
    io.stderr(`error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
