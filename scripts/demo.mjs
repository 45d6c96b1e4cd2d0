#!/usr/bin/env node
// PLACEHOLDER until the workflow plugins land: checks that the CLI runs and lists the plugins.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'packages/core/dist/cli/bin.js');
console.log('biaflow demo (placeholder: training on bundled data arrives with the workflow plugins)\n');
const r = spawnSync(process.execPath, [bin, 'plugins'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
