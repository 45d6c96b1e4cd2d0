import fs from 'node:fs';
import path from 'node:path';

// Core knows no workflow: it drives every workflow from what its plugin registers. The only files
// allowed to name biaflow's own workflows are the table of first-party names used for short names
// and install hints (an installed workflow's package is found by its manifest, not by this table).
const ALLOWED = ['kernel/first-party.ts'];
const WORKFLOW_NAMES = /\b(semantic|instance|detection|classification)\b/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no file under packages/core/src names a workflow, except the first-party name table', () => {
  const src = path.resolve(__dirname, '../src');
  const files = sources(src);
  expect(files.length).toBeGreaterThan(100);
  const hits: string[] = [];
  for (const file of files) {
    const rel = path.relative(src, file);
    if (ALLOWED.includes(rel)) continue;
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (WORKFLOW_NAMES.test(line.replace(/\binstanceof\b/g, ''))) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(hits).toEqual([]);
  // The allowed file exists and is where the names are (so the exception is not stale).
  expect(fs.readFileSync(path.join(src, ALLOWED[0]), 'utf8')).toMatch(WORKFLOW_NAMES);
});
