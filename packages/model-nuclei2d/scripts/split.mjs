#!/usr/bin/env node
// The training / held-out split of the pretrained nuclei model, made from the shared DSB2018 sets
// without copying them into the repository.
//
//   node packages/model-nuclei2d/scripts/split.mjs [--data DIR]   (DIR default: ../shared/data beside the repository)
//
// Pool: the 494 grey fluorescence DSB2018 images of DIR/nuclei2d-dsb2018/train (160) and
// DIR/nuclei2d-dsb2018-extra (334), all CC0 with corrected masks. Held out (never trained on): a tenth of
// the pool (49 images), which always includes the 32 test images of the DSB example
// (examples/make-splits.mjs, seed 2018, 20 % of the first set) so that the example's test figures
// are never measured on images this model was trained on; the other 17 are a seeded draw from the rest.
// The held-out names are also committed in heldout.txt; this script checks it made the same list.
//
// Writes packages/model-nuclei2d/.split/{train,heldout}/{images,labels}/ (symbolic links; git-ignored).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const repo = path.resolve(pkg, '..', '..');
const args = process.argv.slice(2);
const at = args.indexOf('--data');
const dataDir = path.resolve(at >= 0 ? args[at + 1] : path.join(repo, '..', 'shared', 'data'));
const out = path.join(pkg, '.split');

const EXAMPLE_SEED = 2018; // examples/make-splits.mjs
const EXAMPLE_TEST_FRACTION = 0.2;
const HELD_OUT_SEED = 494;
const HELD_OUT_FRACTION = 0.1;

function fail(message) {
  console.error(`split: ${message}`);
  process.exit(2);
}

/** mulberry32, as examples/make-splits.mjs: the same split on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(list, seed) {
  const r = rng(seed);
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function tifs(dir) {
  if (!fs.existsSync(dir)) fail(`${dir} not found: pass --data DIR (the folder holding nuclei2d-dsb2018 and nuclei2d-dsb2018-extra)`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tif')).sort();
}

const first = path.join(dataDir, 'nuclei2d-dsb2018', 'train');
const extra = path.join(dataDir, 'nuclei2d-dsb2018-extra');
const firstNames = tifs(path.join(first, 'images'));
const extraNames = tifs(path.join(extra, 'images'));
const source = new Map([...firstNames.map((n) => [n, first]), ...extraNames.map((n) => [n, extra])]);
if (source.size !== firstNames.length + extraNames.length) fail('an image name is in both sets');

const exampleTest = shuffled(firstNames, EXAMPLE_SEED).slice(0, Math.round(EXAMPLE_TEST_FRACTION * firstNames.length));
const heldOutCount = Math.round(HELD_OUT_FRACTION * source.size);
const rest = [...source.keys()].filter((n) => !exampleTest.includes(n)).sort();
const heldOut = new Set([...exampleTest, ...shuffled(rest, HELD_OUT_SEED).slice(0, heldOutCount - exampleTest.length)]);

const committed = path.join(pkg, 'heldout.txt');
const list = [...heldOut].sort().join('\n') + '\n';
if (fs.existsSync(committed)) {
  if (fs.readFileSync(committed, 'utf8') !== list) fail(`the held-out list differs from ${committed}: the data folder is not the one the model was trained on`);
} else fs.writeFileSync(committed, list);

fs.rmSync(out, { recursive: true, force: true });
for (const [name, dir] of source) {
  const set = heldOut.has(name) ? 'heldout' : 'train';
  for (const kind of ['images', 'labels']) {
    const file = path.join(out, set, kind, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.symlinkSync(path.join(dir, kind, name), file);
  }
}
console.log(`split: ${source.size - heldOut.size} train, ${heldOut.size} held out (${exampleTest.length} of them the DSB example's test images) in ${path.relative(process.cwd(), out) || '.'}`);
