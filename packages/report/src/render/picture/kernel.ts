/**
 * The picture kernel: every function that turns report data into overlay pixels, written inside ONE
 * self-contained function so that `report.html` can embed the very same code as text
 * (`pictureKernel.toString()`) and run it on `<canvas>` in the browser — one implementation for the
 * page and for the PNG files core writes, whatever compiler or bundler built this package (a closure
 * keeps its inner names, where module imports get renamed). Rules for code in here: no reference to
 * anything outside the closure (no imports, no module constants), only syntax every current browser
 * runs (ES2020), plain loops over typed arrays.
 *
 * Pixels are row-major. Inputs are uint8 grey (width×height values) or RGB (width×height×3);
 * every overlay returns a new RGB `Uint8Array` (width×height×3) and never modifies its inputs.
 */
// Types only (erased by the compiler), so the closure below still references nothing outside itself.
import type { EncodedLabels, EncodedPixels } from '../report-data';

export type Rgb = readonly [number, number, number];
export type Labels = ArrayLike<number>;
export type Size = { width: number; height: number };
export type Point = readonly [number, number];

export function pictureKernel() {
  /** The fixed colours of every overlay (RGB). Documented in the package README. */
  const colours = {
    /** Ground-truth contours of instance overlays. */
    truthContour: [0, 255, 0] as Rgb,
    /**
     * Prediction objects (instances: contour colour of label L is `palette[(L - 1) % 12]`) and
     * semantic classes (class c ≥ 1 → `palette[(c - 1) % 12]`). No grey and no green in it, so a
     * coloured pixel is never mistaken for a grey input pixel or a ground-truth contour.
     */
    palette: [
      [230, 25, 75], // red
      [0, 130, 200], // blue
      [245, 130, 48], // orange
      [145, 30, 180], // purple
      [70, 240, 240], // cyan
      [240, 50, 230], // magenta
      [250, 190, 212], // pink
      [0, 128, 128], // teal
      [220, 190, 255], // lavender
      [170, 110, 40], // brown
      [255, 225, 25], // yellow
      [128, 0, 0], // maroon
    ] as Rgb[],
    /** Points: a matched pair (true ring and predicted cross) is green. */
    pointMatched: [0, 255, 0] as Rgb,
    /** Points: a true point no prediction matched (false negative): yellow ring. */
    pointMissed: [255, 225, 25] as Rgb,
    /** Points: a predicted point that matched nothing (false positive): red cross. */
    pointFalse: [230, 25, 75] as Rgb,
    /** Points: predicted points of an image without ground truth: cyan cross. */
    pointUnscored: [0, 200, 255] as Rgb,
    /** Classes: border when the predicted class is the true one. */
    classRight: [0, 200, 83] as Rgb,
    /** Classes: border when it is not. */
    classWrong: [230, 25, 75] as Rgb,
    /** Classes: border when the truth is unknown. */
    classUnknown: [0, 130, 200] as Rgb,
  };

  /** Marker geometry of point overlays: ring radius and cross arm length, in pixels. */
  const marker = { ringRadius: 4, crossArm: 3 };
  /** Share of the class colour in semantic prediction tints (out = round(0.6·in + 0.4·colour)). */
  const tintShare = 0.4;

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  /** Bytes → standard base64 with padding (no Buffer / btoa: runs the same in Node and browsers). */
  function base64Encode(bytes: Uint8Array): string {
    const parts: string[] = [];
    let chunk = '';
    const n = bytes.length;
    for (let i = 0; i < n; i += 3) {
      const a = bytes[i];
      const b = i + 1 < n ? bytes[i + 1] : 0;
      const c = i + 2 < n ? bytes[i + 2] : 0;
      const v = (a << 16) | (b << 8) | c;
      chunk += B64[(v >> 18) & 63] + B64[(v >> 12) & 63] + (i + 1 < n ? B64[(v >> 6) & 63] : '=') + (i + 2 < n ? B64[v & 63] : '=');
      if (chunk.length >= 8192) {
        parts.push(chunk);
        chunk = '';
      }
    }
    parts.push(chunk);
    return parts.join('');
  }

  /** Standard base64 (padding optional, no whitespace) → bytes; throws on any other character. */
  function base64Decode(text: string): Uint8Array {
    let end = text.length;
    while (end > 0 && text[end - 1] === '=') end--;
    if (end % 4 === 1) throw new Error(`base64 text of ${text.length} characters is truncated`);
    const out = new Uint8Array(Math.floor((end * 3) / 4));
    let bits = 0;
    let acc = 0;
    let o = 0;
    for (let i = 0; i < end; i++) {
      const code = text.charCodeAt(i);
      let v: number;
      if (code >= 65 && code <= 90) v = code - 65;
      else if (code >= 97 && code <= 122) v = code - 71;
      else if (code >= 48 && code <= 57) v = code + 4;
      else if (code === 43) v = 62;
      else if (code === 47) v = 63;
      else throw new Error(`base64 text holds '${text[i]}' at position ${i}`);
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (acc >> bits) & 255;
      }
    }
    return out;
  }

  /** uint8 pixels → `EncodedPixels` (1 = grey, 3 = RGB interleaved). */
  function encodePixels(pixels: Uint8Array, channels: 1 | 3): EncodedPixels {
    return { channels, base64: base64Encode(pixels) };
  }

  /** Label image → `EncodedLabels` in the smallest of uint8/16/32 that holds its largest label. */
  function encodeLabels(labels: Labels): EncodedLabels {
    let max = 0;
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (!(v >= 0 && v <= 0xffffffff && Math.floor(v) === v)) throw new Error(`label ${v} at index ${i} is not an integer in 0..4294967295`);
      if (v > max) max = v;
    }
    const width = max <= 0xff ? 1 : max <= 0xffff ? 2 : 4;
    const bytes = new Uint8Array(labels.length * width);
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      for (let b = 0; b < width; b++) bytes[i * width + b] = Math.floor(v / 2 ** (8 * b)) & 255;
    }
    return { dtype: width === 1 ? 'uint8' : width === 2 ? 'uint16' : 'uint32', base64: base64Encode(bytes) };
  }

  /** `EncodedPixels` → uint8 pixels, checked against width × height × channels. */
  function decodePixels(encoded: EncodedPixels, width: number, height: number): Uint8Array {
    if (encoded.channels !== 1 && encoded.channels !== 3) throw new Error(`channels is ${encoded.channels}; it must be 1 (grey) or 3 (RGB)`);
    const bytes = base64Decode(encoded.base64);
    const want = width * height * encoded.channels;
    if (bytes.length !== want) {
      throw new Error(`holds ${bytes.length} bytes but ${width}×${height}×${encoded.channels} needs ${want}`);
    }
    return bytes;
  }

  /** `EncodedLabels` → labels (little-endian), checked against width × height. */
  function decodeLabels(encoded: EncodedLabels, width: number, height: number): Uint32Array {
    const size = encoded.dtype === 'uint8' ? 1 : encoded.dtype === 'uint16' ? 2 : encoded.dtype === 'uint32' ? 4 : 0;
    if (!size) throw new Error(`dtype is '${encoded.dtype}'; it must be uint8, uint16 or uint32`);
    const bytes = base64Decode(encoded.base64);
    const n = width * height;
    if (bytes.length !== n * size) {
      throw new Error(`holds ${bytes.length / size} ${encoded.dtype} labels but the image is ${width}×${height} = ${n}`);
    }
    const out = new Uint32Array(n);
    for (let i = 0, o = 0; i < n; i++, o += size) {
      let v = 0;
      for (let b = size - 1; b >= 0; b--) v = v * 256 + bytes[o + b];
      out[i] = v;
    }
    return out;
  }

  function checkSize(what: string, length: number, size: Size, per: number): void {
    if (!(Number.isInteger(size.width) && Number.isInteger(size.height) && size.width > 0 && size.height > 0)) {
      throw new Error(`image size ${size.width}×${size.height} is not two positive integers`);
    }
    if (length !== size.width * size.height * per) {
      throw new Error(`${what} holds ${length} values but ${size.width}×${size.height}${per > 1 ? `×${per}` : ''} needs ${size.width * size.height * per}`);
    }
  }

  /** A copy of the input as RGB: grey (width×height) is repeated into three channels. */
  function toRgb(input: ArrayLike<number>, size: Size): Uint8Array {
    const n = size.width * size.height;
    const out = new Uint8Array(n * 3);
    if (input.length === n) {
      for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = input[i];
    } else {
      checkSize('input (grey or RGB)', input.length, size, 3);
      for (let i = 0; i < 3 * n; i++) out[i] = input[i];
    }
    return out;
  }

  function paint(rgb: Uint8Array, pixel: number, colour: Rgb): void {
    rgb[3 * pixel] = colour[0];
    rgb[3 * pixel + 1] = colour[1];
    rgb[3 * pixel + 2] = colour[2];
  }

  function paletteColour(label: number): Rgb {
    return colours.palette[(label - 1) % colours.palette.length];
  }

  /**
   * 1 where a pixel lies on the contour of its object, else 0: a pixel of label L ≠ 0 whose up, down,
   * left or right neighbour has another label (background included) or lies outside the image.
   * This is scikit-image's `find_boundaries(labels, mode='inner', connectivity=1)`, except that the
   * image edge also counts as background, so objects cut by the edge are drawn closed. Contours are
   * one pixel thick; two touching objects each get their own.
   */
  function contourMask(labels: Labels, width: number, height: number): Uint8Array {
    checkSize('labels', labels.length, { width, height }, 1);
    const out = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const v = labels[i];
        if (v === 0) continue;
        if (
          x === 0 || x === width - 1 || y === 0 || y === height - 1 ||
          labels[i - 1] !== v || labels[i + 1] !== v || labels[i - width] !== v || labels[i + width] !== v
        ) {
          out[i] = 1;
        }
      }
    }
    return out;
  }

  /**
   * Instance labels over the input: ground-truth contours in `colours.truthContour` (green), then
   * predicted contours on top, object L in `palette[(L - 1) % 12]` — so where both contours coincide
   * the prediction's colour shows, and green is truth the prediction missed. Either label image may be null.
   */
  function overlayInstances(input: ArrayLike<number>, truth: Labels | null, prediction: Labels | null, size: Size): Uint8Array {
    const rgb = toRgb(input, size);
    if (truth) {
      const edge = contourMask(truth, size.width, size.height);
      for (let i = 0; i < edge.length; i++) if (edge[i]) paint(rgb, i, colours.truthContour);
    }
    if (prediction) {
      const edge = contourMask(prediction, size.width, size.height);
      for (let i = 0; i < edge.length; i++) if (edge[i]) paint(rgb, i, paletteColour(prediction[i]));
    }
    return rgb;
  }

  function ring(rgb: Uint8Array, size: Size, p: Point, colour: Rgb): void {
    const cy = Math.round(p[0]);
    const cx = Math.round(p[1]);
    const r = marker.ringRadius;
    const lo = (r - 0.5) * (r - 0.5);
    const hi = (r + 0.5) * (r + 0.5);
    for (let dy = -r - 1; dy <= r + 1; dy++) {
      for (let dx = -r - 1; dx <= r + 1; dx++) {
        const d2 = dy * dy + dx * dx;
        const y = cy + dy;
        const x = cx + dx;
        if (d2 >= lo && d2 < hi && y >= 0 && y < size.height && x >= 0 && x < size.width) paint(rgb, y * size.width + x, colour);
      }
    }
  }

  function cross(rgb: Uint8Array, size: Size, p: Point, colour: Rgb): void {
    const cy = Math.round(p[0]);
    const cx = Math.round(p[1]);
    const a = marker.crossArm;
    for (let d = -a; d <= a; d++) {
      if (cy >= 0 && cy < size.height && cx + d >= 0 && cx + d < size.width) paint(rgb, cy * size.width + cx + d, colour);
      if (cx >= 0 && cx < size.width && cy + d >= 0 && cy + d < size.height) paint(rgb, (cy + d) * size.width + cx, colour);
    }
  }

  /**
   * Points over the input. True points are rings of radius 4 (green when matched, yellow when
   * missed); predicted points are crosses of arm 3 (green when matched, red when they matched
   * nothing, cyan when there is no truth to score against). `matches` holds
   * `[truthIndex, predictedIndex]` pairs. Rings are drawn first, crosses on top; points are `[row, column]`,
   * rounded; markers are clipped at the image edge.
   */
  function overlayPoints(
    input: ArrayLike<number>,
    truth: readonly Point[] | null,
    predicted: readonly Point[],
    size: Size & { matches?: readonly (readonly [number, number])[] },
  ): Uint8Array {
    const rgb = toRgb(input, size);
    const truthMatched = new Uint8Array(truth ? truth.length : 0);
    const predMatched = new Uint8Array(predicted.length);
    for (const m of size.matches || []) {
      if (!truth || !(m[0] >= 0 && m[0] < truth.length) || !(m[1] >= 0 && m[1] < predicted.length)) {
        throw new Error(`match [${m[0]}, ${m[1]}] names a point that does not exist (${truth ? truth.length : 0} true, ${predicted.length} predicted)`);
      }
      truthMatched[m[0]] = 1;
      predMatched[m[1]] = 1;
    }
    if (truth) truth.forEach((p, i) => ring(rgb, size, p, truthMatched[i] ? colours.pointMatched : colours.pointMissed));
    predicted.forEach((p, i) => cross(rgb, size, p, !truth ? colours.pointUnscored : predMatched[i] ? colours.pointMatched : colours.pointFalse));
    return rgb;
  }

  /** Border width of class overlays: 1/32 of the shorter side, at least 2 pixels (and at most half of it). */
  function classBorderWidth(size: Size): number {
    const short = Math.min(size.width, size.height);
    return Math.max(1, Math.min(Math.floor(short / 2), Math.max(2, Math.round(short / 32))));
  }

  /**
   * Image classification: a border around the input, green (`classRight`) when the predicted class
   * is the true one, red (`classWrong`) when not, blue (`classUnknown`) without truth. Width:
   * `classBorderWidth`. The class names themselves are written next to the picture by the page.
   */
  function overlayClasses(input: ArrayLike<number>, truth: string | null, predicted: string, size: Size): Uint8Array {
    const rgb = toRgb(input, size);
    const colour = truth === null || truth === undefined ? colours.classUnknown : truth === predicted ? colours.classRight : colours.classWrong;
    const w = classBorderWidth(size);
    for (let y = 0; y < size.height; y++) {
      for (let x = 0; x < size.width; x++) {
        if (x < w || y < w || x >= size.width - w || y >= size.height - w) paint(rgb, y * size.width + x, colour);
      }
    }
    return rgb;
  }

  /**
   * Semantic class maps: every predicted pixel of class c ≥ 1 is tinted with `palette[(c - 1) % 12]`
   * (round(0.6·input + 0.4·colour) per channel), then the ground truth's class contours
   * (`contourMask` of the class map) are drawn on top in their class colour at full strength.
   */
  function overlaySemantic(input: ArrayLike<number>, truth: Labels | null, prediction: Labels | null, size: Size): Uint8Array {
    const rgb = toRgb(input, size);
    if (prediction) {
      checkSize('prediction', prediction.length, size, 1);
      for (let i = 0; i < prediction.length; i++) {
        const c = prediction[i];
        if (c === 0) continue;
        const colour = paletteColour(c);
        for (let k = 0; k < 3; k++) rgb[3 * i + k] = Math.round((1 - tintShare) * rgb[3 * i + k] + tintShare * colour[k]);
      }
    }
    if (truth) {
      const edge = contourMask(truth, size.width, size.height);
      for (let i = 0; i < edge.length; i++) if (edge[i]) paint(rgb, i, paletteColour(truth[i]));
    }
    return rgb;
  }

  /** The overlay of one report image, from its encoded data: what the page draws and core saves as PNG. */
  function renderImageOverlay(image: {
    width: number;
    height: number;
    input: EncodedPixels;
    overlay: { kind: string; [key: string]: unknown };
  }): { width: number; height: number; rgb: Uint8Array } {
    const size = { width: image.width, height: image.height };
    const input = decodePixels(image.input, size.width, size.height);
    const o = image.overlay as any;
    const labels = (e: EncodedLabels | null | undefined) => (e ? decodeLabels(e, size.width, size.height) : null);
    let rgb: Uint8Array;
    if (o.kind === 'instances') rgb = overlayInstances(input, labels(o.truth), labels(o.prediction), size);
    else if (o.kind === 'semantic') rgb = overlaySemantic(input, labels(o.truth), labels(o.prediction), size);
    else if (o.kind === 'points') rgb = overlayPoints(input, o.truth || null, o.predicted || [], { width: size.width, height: size.height, matches: o.matches || [] });
    else if (o.kind === 'classes') rgb = overlayClasses(input, o.truth === undefined ? null : o.truth, o.predicted, size);
    else if (o.kind === 'image') rgb = toRgb(input, size);
    else throw new Error(`overlay kind '${o.kind}' is not one of instances, points, classes, semantic, image`);
    return { width: size.width, height: size.height, rgb };
  }

  return {
    colours,
    marker,
    tintShare,
    base64Encode,
    base64Decode,
    encodePixels,
    encodeLabels,
    decodePixels,
    decodeLabels,
    toRgb,
    contourMask,
    overlayInstances,
    overlayPoints,
    overlayClasses,
    classBorderWidth,
    overlaySemantic,
    renderImageOverlay,
  };
}

export type PictureKernel = ReturnType<typeof pictureKernel>;
