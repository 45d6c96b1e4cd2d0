import { predictTiled, planAxis, readModelPackage, tilingRules, type NdArray } from '@biaflow/bioimageio';
import { EXAMPLE, expectBioimageioError, expectBioimageioErrorAsync, values } from './helpers';

// A box filter (mean over a (2r+1)^d window, zero outside the array) is translation-equivariant
// within its receptive field r: with a halo >= r, tiles must reproduce a single pass exactly.
// The references here (padding, filtering, cropping) are written independently of the package.

function boxFilter(img: NdArray, r: number): NdArray {
  const shape = img.shape;
  const nd = shape.length;
  const spatial = shape.slice(1, nd - 1);
  const [b, c] = [shape[0], shape[nd - 1]];
  const out = new Float32Array(img.data.length);
  const src = img.data as Float32Array;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, s) => p * s, 1));
  const count = spatial.reduce((p, s) => p * s, 1);
  const offsets: number[][] = [[]];
  for (let a = 0; a < spatial.length; a++) {
    const next: number[][] = [];
    for (const o of offsets) for (let d = -r; d <= r; d++) next.push([...o, d]);
    offsets.splice(0, offsets.length, ...next);
  }
  const norm = offsets.length;
  for (let bi = 0; bi < b; bi++) {
    for (let p = 0; p < count; p++) {
      const pos: number[] = [];
      let rest = p;
      for (let a = spatial.length - 1; a >= 0; a--) {
        pos[a] = rest % spatial[a];
        rest = Math.floor(rest / spatial[a]);
      }
      for (let ci = 0; ci < c; ci++) {
        let sum = 0;
        for (const o of offsets) {
          let idx = bi * strides[0] + ci;
          let inside = true;
          for (let a = 0; a < spatial.length; a++) {
            const q = pos[a] + o[a];
            if (q < 0 || q >= spatial[a]) inside = false;
            idx += q * strides[a + 1];
          }
          if (inside) sum += src[idx];
        }
        let at = bi * strides[0] + ci;
        for (let a = 0; a < spatial.length; a++) at += pos[a] * strides[a + 1];
        out[at] = sum / norm;
      }
    }
  }
  return { data: out, shape: [...shape] };
}

/** Mirror index as numpy.pad(mode='reflect'), by repeated folding. */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  for (;;) {
    if (i < 0) i = -i;
    else if (i >= n) i = 2 * (n - 1) - i;
    else return i;
  }
}

/** Pad spatial axes by `before[a]` / `after[a]` with mirroring (numpy reflect). */
function reflectPad(img: NdArray, before: number[], after: number[]): NdArray {
  const nd = img.shape.length;
  const spatial = img.shape.slice(1, nd - 1);
  const outShape = [img.shape[0], ...spatial.map((s, a) => s + before[a] + after[a]), img.shape[nd - 1]];
  return gather(img, outShape, (pos) => pos.map((p, a) => mirror(p - before[a], spatial[a])));
}

/** Crop spatial axes: keep `size[a]` from `start[a]`. */
function crop(img: NdArray, start: number[], size: number[]): NdArray {
  const nd = img.shape.length;
  return gather(img, [img.shape[0], ...size, img.shape[nd - 1]], (pos) => pos.map((p, a) => p + start[a]));
}

function gather(img: NdArray, outShape: number[], map: (pos: number[]) => number[]): NdArray {
  const nd = img.shape.length;
  const inStrides = img.shape.map((_, a) => img.shape.slice(a + 1).reduce((p, s) => p * s, 1));
  const n = outShape.reduce((p, s) => p * s, 1);
  const out = new Float32Array(n);
  const src = img.data as Float32Array;
  for (let i = 0; i < n; i++) {
    const idx: number[] = [];
    let rest = i;
    for (let a = nd - 1; a >= 0; a--) {
      idx[a] = rest % outShape[a];
      rest = Math.floor(rest / outShape[a]);
    }
    const sp = map(idx.slice(1, nd - 1));
    let from = idx[0] * inStrides[0] + idx[nd - 1];
    sp.forEach((q, a) => (from += q * inStrides[a + 1]));
    out[i] = src[from];
  }
  return { data: out, shape: outShape };
}

function randomImage(shape: number[], seed = 1): NdArray {
  let s = seed;
  const data = new Float32Array(shape.reduce((p, v) => p * v, 1));
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = (s % 1000) / 10;
  }
  return { data, shape };
}

/** What one pass over the image, mirrored by `halo` (and up to a valid size), gives. */
function singlePass(img: NdArray, r: number, halo: number): NdArray {
  const nd = img.shape.length;
  const spatial = img.shape.slice(1, nd - 1);
  const padded = reflectPad(img, spatial.map(() => halo), spatial.map(() => halo));
  return crop(boxFilter(padded, r), spatial.map(() => halo), spatial);
}

describe('tiled prediction with halo', () => {
  it('fixed tile size: equals one pass over the mirrored image, and the raw filter away from the border', async () => {
    const img = randomImage([2, 37, 53, 2]);
    let calls = 0;
    const tiled = await predictTiled(img, {
      axes: [
        { size: 16, halo: 3 },
        { size: 16, halo: 3 }
      ],
      run: (tile) => {
        calls++;
        expect(tile.shape).toEqual([2, 16, 16, 2]);
        return boxFilter(tile, 3);
      }
    });
    expect(calls).toBe(Math.ceil(37 / 10) * Math.ceil(53 / 10));
    expect(tiled.shape).toEqual([2, 37, 53, 2]);
    expect(values(tiled)).toEqual(values(singlePass(img, 3, 3)));
    // away from the border no padding is involved: the plain filter of the whole image
    const plain = boxFilter(img, 3);
    const inner = (a: NdArray) => values(crop(a, [3, 3], [31, 47]));
    expect(inner(tiled)).toEqual(inner(plain));
  });

  it('a halo smaller than the receptive field shows at tile seams', async () => {
    const img = randomImage([1, 37, 53, 1], 7);
    const tiled = await predictTiled(img, { axes: [{ size: 16, halo: 2 }, { size: 16, halo: 2 }], run: (t) => boxFilter(t, 3) });
    expect(values(tiled)).not.toEqual(values(singlePass(img, 3, 2)));
  });

  it('{min, step} sizes in 3D with a tile limit: equals one pass', async () => {
    const img = randomImage([1, 9, 23, 30, 1], 3);
    const seen = new Set<string>();
    let calls = 0;
    const tiled = await predictTiled(img, {
      axes: [
        { size: { min: 8, step: 4 }, halo: 2 },
        { size: { min: 8, step: 4 }, halo: 2 },
        { size: { min: 8, step: 4 }, halo: 2 }
      ],
      maxTile: [undefined, 14, 14],
      run: (tile) => {
        seen.add(tile.shape.join('x'));
        calls++;
        return boxFilter(tile, 2);
      }
    });
    // z: 9 + 2*2 = 13 → 16 (8 + 2*4, one tile); y, x: at most 14 → 12 (8 + 4), 8 valid pixels per tile
    expect([...seen]).toEqual(['1x16x12x12x1']);
    expect(calls).toBe(1 * Math.ceil(23 / 8) * Math.ceil(30 / 8));
    expect(values(tiled)).toEqual(values(singlePass(img, 2, 2)));
  });

  it('runs once where a single pass fits, padding small images up to the model size', async () => {
    const img = randomImage([1, 5, 7, 1], 11);
    let calls = 0;
    const tiled = await predictTiled(img, {
      axes: [{ size: 16, halo: 2 }, { size: 16, halo: 2 }],
      run: (t) => {
        calls++;
        return boxFilter(t, 2);
      }
    });
    expect(calls).toBe(1);
    // one 16x16 pass over the image mirrored 2 before and the rest after (several folds: 16 > 2*5)
    const padded = reflectPad(img, [2, 2], [16 - 5 - 2, 16 - 7 - 2]);
    expect(values(tiled)).toEqual(values(crop(boxFilter(padded, 2), [2, 2], [5, 7])));
  });

  it('lets the network change the channel count', async () => {
    const img = randomImage([1, 20, 20, 1], 5);
    const tiled = await predictTiled(img, {
      axes: [{ size: 12, halo: 1 }, { size: 12, halo: 1 }],
      run: (t) => {
        const f = boxFilter(t, 1).data as Float32Array;
        const out = new Float32Array(f.length * 3);
        f.forEach((v, i) => out.set([v, 2 * v, -v], i * 3));
        return { data: out, shape: [...t.shape.slice(0, 3), 3] };
      }
    });
    expect(tiled.shape).toEqual([1, 20, 20, 3]);
    const ref = values(singlePass(img, 1, 1));
    expect(values(tiled).filter((_, i) => i % 3 === 1)).toEqual(ref.map((v) => Math.fround(2 * v)));
  });

  it('refuses a tile too small for its halo, and a network that changes the tile size', async () => {
    const e = expectBioimageioError(() => planAxis(100, { size: 8, halo: 4 }, undefined, 'outputs[0].axes[2]'));
    expect(e.message).toBe('outputs[0].axes[2]: the input size 8 is too small for a halo of 4 on each side: 8 - 2*4 < 1 leaves no valid pixel');
    const img = randomImage([1, 20, 20, 1]);
    const bad = await expectBioimageioErrorAsync(() =>
      predictTiled(img, { axes: [{ size: 12, halo: 1 }, { size: 12, halo: 1 }], run: (t) => ({ data: new Float32Array(100), shape: [1, 10, 10, 1] }) })
    );
    expect(bad.message).toMatch(/returned shape \[1, 10, 10, 1\] for a tile of shape \[1, 12, 12, 1\]/);
  });

  it('reads the tiling rules of the example: 512 fixed, halo 32', async () => {
    const { description } = await readModelPackage(EXAMPLE);
    expect(tilingRules(description)).toEqual({
      axes: ['y', 'x'],
      rules: [
        { size: 512, halo: 32 },
        { size: 512, halo: 32 }
      ]
    });
  });
});
