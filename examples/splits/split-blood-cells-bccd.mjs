// Hold out a seeded, stratified test set of the BCCD blood-cell crops (140 RGB 64×64 images in one
// folder per class: Platelets, RBC, WBC): a quarter of each class goes to test/, the rest to train/
// (from which the run holds out data.val.split for validation, stratified too). The folders hold
// symbolic links to the shared files and are git-ignored.
// Run from the repository root:
//   node examples/splits/split-blood-cells-bccd.mjs [shared data folder, default ../shared/data]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(path.resolve(process.argv[2] ?? '../shared/data'), 'blood-cells-bccd');
const out = path.join(here, 'blood-cells-bccd');
const TEST_FRACTION = 0.25;
const SEED = 0;

/** mulberry32: a small seeded generator, so the split is the same on every machine. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, '.gitignore'), '# written by split-blood-cells-bccd.mjs\n*\n');
const random = rng(SEED);
const classes = fs.readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
for (const cls of classes) {
  const files = fs.readdirSync(path.join(src, cls)).filter((f) => /\.(png|tif|tiff|jpg|jpeg)$/i.test(f)).sort();
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [files[i], files[j]] = [files[j], files[i]];
  }
  const nTest = Math.round(TEST_FRACTION * files.length);
  const parts = { test: files.slice(0, nTest), train: files.slice(nTest) };
  for (const [split, list] of Object.entries(parts)) {
    fs.mkdirSync(path.join(out, split, cls), { recursive: true });
    for (const f of list) fs.symlinkSync(path.join(src, cls, f), path.join(out, split, cls, f));
  }
  console.log(`${cls}: ${parts.train.length} train, ${parts.test.length} test`);
}
console.log(`-> ${path.relative(process.cwd(), out)}`);
