import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(__dirname, '../..');

test('docs/config.md is the reference generated from the current schema', () => {
  const r = spawnSync(process.execPath, [path.join(repo, 'packages/biaflow/dist/bin.js'), 'config', 'docs'], {
    cwd: repo,
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  const committed = fs.readFileSync(path.join(repo, 'docs/config.md'), 'utf8');
  // When this fails, run `npm run docs` and commit docs/config.md.
  expect(committed).toBe(r.stdout);
});
