/** Typed arrays biaflow stores pixel data in; never nested JS arrays. */
export type TypedArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

export type DType = 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * An n-dimensional array: flat typed array in C order plus its shape.
 * 2D images are `[y, x]`, volumes `[z, y, x]`; model layout adds channels last.
 */
export interface NdArray<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
}

/**
 * An image as read from disk: data in the file's own axis order, with the axis letters
 * (from `TZCYXS`) and the physical size of one step along each axis in micrometres (null when unknown).
 */
export interface Image<T extends TypedArray = TypedArray> extends NdArray<T> {
  dtype: DType;
  axes: string;
  spacing: (number | null)[];
  /** Where the axes and spacing came from: `imagej`, `ome`, `shaped` (tifffile JSON), or `plain` (guessed from pages). */
  metadataSource?: 'imagej' | 'ome' | 'shaped' | 'plain';
  /** Time between frames in seconds, when the file says (ImageJ `finterval`, OME `TimeIncrement`). */
  frameInterval?: number;
}

/** What an image file says about itself before any pixel is decoded: shape, axes, sample type, spacing (µm or null). */
export type ImageHeader = Pick<Image, 'shape' | 'axes' | 'dtype' | 'spacing'>;

/** An image to write: an array, with the axes, spacing and sample type the file should record when known. */
export type ImageToWrite = NdArray & Partial<Pick<Image, 'axes' | 'spacing' | 'dtype' | 'frameInterval'>>;

/** A list of points, one row per point in axis order (`[y, x]` or `[z, y, x]`), optional class per point. */
export interface PointList {
  ndim: 2 | 3;
  coordinates: Float64Array;
  classes?: Int32Array;
  /** Optional detection score/probability per point (BiaPy writes `prob`). */
  scores?: Float32Array;
}
