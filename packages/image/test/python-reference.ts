import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

/** Where the independent numpy implementations of the metrics live. */
export const REFERENCE_DIR = path.join(__dirname, 'reference');
const PYTHON = '/usr/bin/python3';

/**
 * Run `test/reference/<script>` with /usr/bin/python3 on `input` (written as JSON to a temp folder)
 * and return its JSON output. Missing Python or numpy is an error with the command that fixes it,
 * never a skipped test.
 */
export function runPythonReference<T>(script: string, input: unknown): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-image-ref-'));
  try {
    const inFile = path.join(dir, 'input.json');
    const outFile = path.join(dir, 'output.json');
    fs.writeFileSync(inFile, JSON.stringify(input));
    const run = spawnSync(PYTHON, [path.join(REFERENCE_DIR, script), inFile, outFile], { encoding: 'utf8', timeout: 300_000 });
    if (run.error) {
      throw new Error(`${script}: could not run ${PYTHON} (${run.error.message}); install it with: apt-get install -y python3 python3-numpy`);
    }
    if (run.status !== 0) {
      if (/No module named '?numpy/.test(run.stderr)) throw new Error(`${script}: ${PYTHON} has no numpy; install it with: apt-get install -y python3-numpy`);
      throw new Error(`${script} failed (exit ${run.status}, signal ${run.signal}):\n${run.stderr}`);
    }
    return JSON.parse(fs.readFileSync(outFile, 'utf8')) as T;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Seeded uniform [0, 1) generator (mulberry32), so generated cases are the same on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
