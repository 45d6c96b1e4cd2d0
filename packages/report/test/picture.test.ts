import {
  base64Decode,
  base64Encode,
  classBorderWidth,
  colours,
  contourMask,
  decodeLabels,
  decodePixels,
  encodeLabels,
  encodePixels,
  overlayClasses,
  overlayInstances,
  overlayPoints,
  overlaySemantic,
  renderImageOverlay,
} from '@biaflow/report';

// Hand-worked small cases of the picture functions; the browser tests then check the page draws
// exactly what these functions compute on realistic data.

/** Rows of text → a label image (one digit or letter per pixel, '.' = 0). */
function grid(rows: string[]): { labels: Uint8Array; width: number; height: number } {
  const height = rows.length;
  const width = rows[0].length;
  const labels = new Uint8Array(width * height);
  rows.forEach((row, y) => [...row].forEach((ch, x) => (labels[y * width + x] = ch === '.' ? 0 : parseInt(ch, 36))));
  return { labels, width, height };
}

const maskText = (mask: Uint8Array, width: number) =>
  Array.from({ length: mask.length / width }, (_, y) => Array.from(mask.subarray(y * width, (y + 1) * width)).join(''));

/** Map RGB pixels to one letter each through `legend` (colour → letter); '?' for anything else. */
function colourText(rgb: Uint8Array, width: number, legend: [readonly number[], string][]): string[] {
  const rows: string[] = [];
  for (let y = 0; y < rgb.length / 3 / width; y++) {
    let row = '';
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      const hit = legend.find(([c]) => c[0] === rgb[i] && c[1] === rgb[i + 1] && c[2] === rgb[i + 2]);
      row += hit ? hit[1] : '?';
    }
    rows.push(row);
  }
  return rows;
}

function countColour(rgb: Uint8Array, c: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] === c[0] && rgb[i + 1] === c[1] && rgb[i + 2] === c[2]) n++;
  return n;
}

describe('contourMask', () => {
  it('marks the 8 border pixels of a 3×3 square and not its centre', () => {
    const g = grid(['.....', '.111.', '.111.', '.111.', '.....']);
    expect(maskText(contourMask(g.labels, g.width, g.height), g.width)).toEqual(['00000', '01110', '01010', '01110', '00000']);
  });

  it('gives two touching objects each their own contour (4-neighbours only)', () => {
    const g = grid(['........', '.111222.', '.111222.', '.111222.', '........']);
    const m = contourMask(g.labels, g.width, g.height);
    expect(maskText(m, g.width)).toEqual(['00000000', '01111110', '01011010', '01111110', '00000000']);
    expect(m.reduce((a, b) => a + b, 0)).toBe(16);
  });

  it('closes an object at the image edge', () => {
    const g = grid(['777.', '777.', '777.']);
    expect(maskText(contourMask(g.labels, g.width, g.height), g.width)).toEqual(['1110', '1010', '1110']);
  });

  it('ignores a neighbour that differs only diagonally', () => {
    // Centre pixel (2,2) of label 1: its 4-neighbours are all 1, only the corner (1,1) is 2.
    const g = grid(['.....', '.2111', '.1111', '.1111', '.1111']);
    expect(contourMask(g.labels, g.width, g.height)[2 * 5 + 2]).toBe(0);
  });

  it('refuses labels of the wrong size, naming both sizes', () => {
    expect(() => contourMask(new Uint8Array(10), 4, 3)).toThrow('labels holds 10 values but 4×3 needs 12');
  });
});

describe('overlayInstances', () => {
  it('draws truth green and prediction in its label colour on top', () => {
    const truth = grid(['.....', '.111.', '.111.', '.111.', '.....']);
    // Label 2 → palette[1] (blue). Its right column is the image edge, so it is contour too.
    const pred = grid(['.....', '..222', '..222', '..222', '.....']);
    const input = new Uint8Array(25).fill(100);
    const rgb = overlayInstances(input, truth.labels, pred.labels, { width: 5, height: 5 });
    expect(colours.palette[1]).toEqual([0, 130, 200]);
    expect(colourText(rgb, 5, [[[100, 100, 100], '.'], [[0, 255, 0], 'G'], [[0, 130, 200], 'B']])).toEqual([
      '.....',
      '.GBBB',
      '.GBGB',
      '.GBBB',
      '.....',
    ]);
    expect(input.every((v) => v === 100)).toBe(true);
  });

  it('takes RGB input and a missing truth', () => {
    const pred = grid(['1..', '...', '...']);
    const input = Uint8Array.from({ length: 27 }, (_, i) => i);
    const rgb = overlayInstances(input, null, pred.labels, { width: 3, height: 3 });
    expect(Array.from(rgb.subarray(0, 3))).toEqual([230, 25, 75]);
    expect(Array.from(rgb.subarray(3))).toEqual(Array.from(input.subarray(3)));
  });

  it('cycles the 12-colour palette by label', () => {
    const labels = Uint16Array.from([1, 12, 13, 300]);
    const rgb = overlayInstances(new Uint8Array(4), null, labels, { width: 4, height: 1 });
    expect(Array.from(rgb)).toEqual([...colours.palette[0], ...colours.palette[11], ...colours.palette[0], ...colours.palette[299 % 12]]);
  });

  it('refuses an input that is neither grey nor RGB of the size', () => {
    expect(() => overlayInstances(new Uint8Array(7), null, null, { width: 2, height: 2 })).toThrow('input (grey or RGB) holds 7 values but 2×2×3 needs 12');
  });
});

describe('overlayPoints', () => {
  const size = { width: 11, height: 11 };
  const black = new Uint8Array(121);
  // Offsets (dy, dx) with dy² + dx² in {13, 16, 17, 18, 20}: the integer points within ½ pixel of
  // a circle of radius 4 — 8 + 4 + 8 + 4 + 8 = 32 of them.
  const ringOffsets: [number, number][] = [];
  for (let dy = -5; dy <= 5; dy++) for (let dx = -5; dx <= 5; dx++) if ([13, 16, 17, 18, 20].includes(dy * dy + dx * dx)) ringOffsets.push([dy, dx]);

  it('draws a missed true point as a 32-pixel yellow ring and a false prediction as a 13-pixel red cross', () => {
    const rgb = overlayPoints(black, [[5, 5]], [[5, 5]], { ...size, matches: [] });
    expect(ringOffsets).toHaveLength(32);
    expect(countColour(rgb, colours.pointMissed)).toBe(32);
    for (const [dy, dx] of ringOffsets) expect(Array.from(rgb.subarray(3 * ((5 + dy) * 11 + 5 + dx), 3 * ((5 + dy) * 11 + 5 + dx) + 3))).toEqual([255, 225, 25]);
    expect(countColour(rgb, colours.pointFalse)).toBe(13);
    expect(countColour(rgb, [0, 0, 0])).toBe(121 - 45);
  });

  it('draws a matched pair green, and unscored predictions cyan', () => {
    const matched = overlayPoints(black, [[5, 5]], [[5.4, 4.6]], { ...size, matches: [[0, 0]] });
    expect(countColour(matched, colours.pointMatched)).toBe(45);
    const unscored = overlayPoints(black, null, [[5, 5]], size);
    expect(countColour(unscored, colours.pointUnscored)).toBe(13);
  });

  it('clips markers at the image edge', () => {
    // A cross at the corner keeps its centre and 3 pixels along each arm inside: 7.
    expect(countColour(overlayPoints(black, null, [[0, 0]], size), colours.pointUnscored)).toBe(7);
  });

  it('refuses a match naming a point that does not exist', () => {
    expect(() => overlayPoints(black, [[1, 1]], [[2, 2]], { ...size, matches: [[0, 1]] })).toThrow('match [0, 1] names a point that does not exist (1 true, 1 predicted)');
  });
});

describe('overlayClasses', () => {
  it('frames the image 2 px wide on 8×8: green when right, red when wrong, blue without truth', () => {
    const input = new Uint8Array(64).fill(50);
    const size = { width: 8, height: 8 };
    expect(classBorderWidth(size)).toBe(2);
    const right = overlayClasses(input, 'a', 'a', size);
    expect(countColour(right, colours.classRight)).toBe(64 - 16);
    expect(countColour(right, [50, 50, 50])).toBe(16);
    expect(countColour(overlayClasses(input, 'a', 'b', size), [230, 25, 75])).toBe(48);
    expect(countColour(overlayClasses(input, null, 'b', size), colours.classUnknown)).toBe(48);
  });

  it('scales the border with the shorter side', () => {
    expect(classBorderWidth({ width: 256, height: 256 })).toBe(8);
    expect(classBorderWidth({ width: 300, height: 64 })).toBe(2);
    expect(classBorderWidth({ width: 3, height: 3 })).toBe(1);
  });
});

describe('overlaySemantic', () => {
  it('tints predicted classes 40 % and draws truth boundaries in the class colour', () => {
    const input = new Uint8Array(16).fill(100);
    const pred = new Uint8Array(16).fill(1);
    const truth = grid(['....', '.22.', '.22.', '....']);
    const rgb = overlaySemantic(input, truth.labels, pred, { width: 4, height: 4 });
    // 0.6·100 + 0.4·(230, 25, 75) = (152, 70, 90).
    expect(colourText(rgb, 4, [[[152, 70, 90], 't'], [[0, 130, 200], 'B']])).toEqual(['tttt', 'tBBt', 'tBBt', 'tttt']);
  });
});

describe('base64 and label encoding', () => {
  it('encodes as RFC 4648 with padding', () => {
    const text = (s: string) => base64Encode(new TextEncoder().encode(s));
    expect([text(''), text('M'), text('Ma'), text('Man'), text('Many hands')]).toEqual(['', 'TQ==', 'TWE=', 'TWFu', 'TWFueSBoYW5kcw==']);
    expect(new TextDecoder().decode(base64Decode('TWFueSBoYW5kcw=='))).toBe('Many hands');
  });

  it('agrees with Node on 10 001 random bytes both ways', () => {
    const bytes = Uint8Array.from({ length: 10001 }, (_, i) => (i * 7919 + (i >> 3)) & 255);
    const ours = base64Encode(bytes);
    expect(ours).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(base64Decode(ours)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses text that is not base64', () => {
    expect(() => base64Decode('TW#u')).toThrow("base64 text holds '#' at position 2");
  });

  it('picks the smallest dtype, little-endian, and decodes back', () => {
    expect(encodeLabels([0, 255])).toEqual({ dtype: 'uint8', base64: 'AP8=' });
    expect(encodeLabels([258])).toEqual({ dtype: 'uint16', base64: 'AgE=' });
    const big = Uint32Array.from([0, 70000, 4294967295, 5]);
    const e = encodeLabels(big);
    expect(e.dtype).toBe('uint32');
    expect(Array.from(decodeLabels(e, 2, 2))).toEqual(Array.from(big));
    expect(() => encodeLabels([1.5])).toThrow('label 1.5 at index 0 is not an integer');
  });

  it('checks decoded sizes against the image', () => {
    expect(() => decodeLabels(encodeLabels(Uint16Array.from([1, 2, 300, 4])), 3, 1)).toThrow('holds 4 uint16 labels but the image is 3×1 = 3');
    expect(() => decodePixels(encodePixels(new Uint8Array(12), 3), 2, 3)).toThrow('holds 12 bytes but 2×3×3 needs 18');
  });
});

describe('renderImageOverlay', () => {
  it('decodes a report image and draws its overlay kind', () => {
    const truth = grid(['.....', '.111.', '.111.', '.111.', '.....']);
    const input = new Uint8Array(25).fill(100);
    const out = renderImageOverlay({
      width: 5,
      height: 5,
      input: encodePixels(input, 1),
      overlay: { kind: 'instances', truth: encodeLabels(truth.labels), prediction: encodeLabels(new Uint8Array(25)) },
    });
    expect(out.width).toBe(5);
    expect(Array.from(out.rgb)).toEqual(Array.from(overlayInstances(input, truth.labels, new Uint8Array(25), { width: 5, height: 5 })));
    expect(countColour(out.rgb, colours.truthContour)).toBe(8);
    expect(() => renderImageOverlay({ width: 5, height: 5, input: encodePixels(input, 1), overlay: { kind: 'heatmap' } })).toThrow("overlay kind 'heatmap'");
  });
});
