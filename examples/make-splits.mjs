#!/usr/bin/env node
// Held-out splits for the example configs (examples/configs/*.yaml), made from the shared real data
// sets without copying them into the repository.
//
//   node examples/make-splits.mjs [--data DIR]     (DIR default: ../shared/data beside the repository)
//
// Writes examples/splits/ (git-ignored):
//   dsb2018/{train,test}/{images,labels}/   symbolic links into DIR/nuclei2d-dsb2018/train: a seeded
//                                            random 20 % of the 160 images (32) is held out as test;
//                                            validation is carved out of train by data.val.split.
//   em2012/{train,test}/{images,labels}/    symbolic links into DIR/em-membrane-isbi2012: a seeded random
//                                            5 of the 20 slices are held out as test.
//   plantseg/{train,val,test}/{images,labels}/  test = volume 1136 (a link, never trained on);
//                                            train = volume 1135 planes 0-75, val = planes 76-99
//                                            (new TIFFs with the same voxel size, written by
//                                            the biaflow package: build first with `npx tsc -b`).
// Running it again rebuilds the same splits.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const args = process.argv.slice(2);
const at = args.indexOf('--data');
const dataDir = path.resolve(at >= 0 ? args[at + 1] : path.join(repo, '..', 'shared', 'data'));
const out = path.join(here, 'splits');

const SEED = 2018;
const TEST_FRACTION = 0.2;
const PLANTSEG_VAL_FROM_PLANE = 76;
const EM_TEST_COUNT = 5;

function fail(message) {
  console.error(`make-splits: ${message}`);
  process.exit(2);
}

/** mulberry32: a small seeded generator, so the split is the same on every machine. */
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

function fresh(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

function link(target, file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.symlinkSync(target, file);
}

function dsb2018() {
  const src = path.join(dataDir, 'nuclei2d-dsb2018', 'train');
  if (!fs.existsSync(path.join(src, 'images'))) fail(`${src}/images not found: pass --data DIR (the folder holding nuclei2d-dsb2018)`);
  const names = fs.readdirSync(path.join(src, 'images')).filter((f) => f.endsWith('.tif')).sort();
  const test = new Set(shuffled(names, SEED).slice(0, Math.round(TEST_FRACTION * names.length)));
  const dst = path.join(out, 'dsb2018');
  fresh(dst);
  for (const name of names) {
    const set = test.has(name) ? 'test' : 'train';
    for (const kind of ['images', 'labels']) link(path.join(src, kind, name), path.join(dst, set, kind, name));
  }
  console.log(`dsb2018: ${names.length - test.size} train, ${test.size} test (seed ${SEED}) in ${path.relative(process.cwd(), dst) || '.'}`);
}

function em2012() {
  const src = path.join(dataDir, 'em-membrane-isbi2012');
  if (!fs.existsSync(path.join(src, 'images'))) fail(`${src}/images not found: pass --data DIR (the folder holding em-membrane-isbi2012)`);
  const names = fs.readdirSync(path.join(src, 'images')).filter((f) => f.endsWith('.png')).sort();
  const test = new Set(shuffled(names, SEED).slice(0, EM_TEST_COUNT));
  const dst = path.join(out, 'em2012');
  fresh(dst);
  for (const name of names) {
    const set = test.has(name) ? 'test' : 'train';
    for (const kind of ['images', 'labels']) link(path.join(src, kind, name), path.join(dst, set, kind, name));
  }
  console.log(`em2012: ${names.length - test.size} train, ${test.size} test (${[...test].sort().join(', ')}; seed ${SEED}) in ${path.relative(process.cwd(), dst) || '.'}`);
}

async function plantseg() {
  const src = path.join(dataDir, 'nuclei3d-plantseg');
  if (!fs.existsSync(path.join(src, 'images', '1135.tif'))) fail(`${src}/images/1135.tif not found: pass --data DIR (the folder holding nuclei3d-plantseg)`);
  const require = createRequire(import.meta.url);
  let core;
  try {
    core = require(path.join(repo, 'packages', 'biaflow', 'dist', 'index.js'));
  } catch {
    fail('biaflow is not built: run `npx tsc -b` first');
  }
  const dst = path.join(out, 'plantseg');
  fresh(dst);
  for (const kind of ['images', 'labels']) link(path.join(src, kind, '1136.tif'), path.join(dst, 'test', kind, '1136.tif'));
  for (const kind of ['images', 'labels']) {
    const image = await core.readImage(path.join(src, kind, '1135.tif'));
    if (image.axes !== 'ZYX') fail(`${kind}/1135.tif has axes ${image.axes}, expected ZYX`);
    const [Z, Y, X] = image.shape;
    const plane = Y * X;
    const part = (z0, z1) => ({ data: image.data.slice(z0 * plane, z1 * plane), shape: [z1 - z0, Y, X], axes: 'ZYX', spacing: image.spacing });
    for (const [set, z0, z1] of [['train', 0, PLANTSEG_VAL_FROM_PLANE], ['val', PLANTSEG_VAL_FROM_PLANE, Z]]) {
      const file = path.join(dst, set, kind, `1135_z${z0}-${z1 - 1}.tif`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await core.writeImage(file, part(z0, z1));
    }
  }
  console.log(`plantseg: train 1135 planes 0-${PLANTSEG_VAL_FROM_PLANE - 1}, val 1135 planes ${PLANTSEG_VAL_FROM_PLANE}-99, test 1136 in ${path.relative(process.cwd(), dst) || '.'}`);
}

dsb2018();
em2012();
await plantseg();
