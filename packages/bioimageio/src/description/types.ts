import type { DType } from '../ndarray';

/**
 * A model description (`bioimageio.yaml`, spec 0.5) as typed data. Field names are the spec's own
 * (snake_case), so a field path in a message (`inputs[0].axes[2].size`) reads the same in the YAML.
 * Defaults the spec defines are filled in (axis ids, `scale: 1`, `halo: 0`, `offset: 0`, …).
 */

export const WEIGHTS_FORMATS = [
  'keras_hdf5',
  'onnx',
  'pytorch_state_dict',
  'tensorflow_js',
  'tensorflow_saved_model_bundle',
  'torchscript'
] as const;
export type WeightsFormat = (typeof WEIGHTS_FORMATS)[number];

/** A file the description refers to: a path relative to the package root, or an http(s) URL. */
export interface FileDescr {
  source: string;
  sha256: string | null;
}

export interface ParameterizedSize {
  min: number;
  step: number;
}

/** `size = reference.size * reference.scale / axis.scale + offset` (fractions rounded down). */
export interface SizeReference {
  tensor_id: string;
  axis_id: string;
  offset: number;
}

/** Output index axes only: the size is known after inference. */
export interface DataDependentSize {
  min: number;
  max: number | null;
}

export type AxisSize = number | ParameterizedSize | SizeReference | DataDependentSize;

export interface BatchAxis {
  type: 'batch';
  id: string;
  /** 1 when the model takes one sample at a time; null: any batch size. */
  size: 1 | null;
}

export interface ChannelAxis {
  type: 'channel';
  id: string;
  channel_names: string[];
}

export interface SpaceAxis {
  type: 'space';
  id: string;
  size: AxisSize;
  /** Output axes: pixels to crop from each side of a predicted tile (0 for none). */
  halo: number;
  scale: number;
  unit: string | null;
  concatenable: boolean;
}

export interface TimeAxis {
  type: 'time';
  id: string;
  size: AxisSize;
  halo: number;
  scale: number;
  unit: string | null;
  concatenable: boolean;
}

export interface IndexAxis {
  type: 'index';
  id: string;
  size: AxisSize;
  concatenable: boolean;
}

export type Axis = BatchAxis | ChannelAxis | SpaceAxis | TimeAxis | IndexAxis;

/** One pre- or postprocessing step as written: `id` and its kwargs (interpreted by `processing/`). */
export interface ProcessingDescr {
  id: string;
  kwargs: Record<string, unknown>;
}

export interface TensorDescr {
  id: string;
  description: string;
  axes: Axis[];
  test_tensor: FileDescr | null;
  sample_tensor: FileDescr | null;
  /** `data.type` (or the first entry's, when given per channel). */
  dtype: DType;
  /** `data` as written (range, unit, values…), for consumers that need it. */
  data: unknown;
}

export interface InputTensorDescr extends TensorDescr {
  optional: boolean;
  preprocessing: ProcessingDescr[];
}

export interface OutputTensorDescr extends TensorDescr {
  postprocessing: ProcessingDescr[];
}

export interface WeightsEntry {
  format: WeightsFormat;
  source: string;
  sha256: string | null;
  parent: WeightsFormat | null;
  /** onnx */
  opset_version?: number;
  /** onnx: weights stored beside the graph */
  external_data?: FileDescr | null;
  /** keras_hdf5, tensorflow_js, tensorflow_saved_model_bundle */
  tensorflow_version?: string;
  /** pytorch_state_dict, torchscript */
  pytorch_version?: string;
  /** pytorch_state_dict: where the network class comes from (`source` + `sha256` when it is a file) */
  architecture?: { source?: string; sha256?: string | null; callable: string; import_from?: string; kwargs: Record<string, unknown> };
  /** pytorch_state_dict, tensorflow_saved_model_bundle: a conda environment file */
  dependencies?: FileDescr | null;
}

export interface ModelDescription {
  type: 'model';
  /** As written in the file (`0.5.4`); validation reads every 0.5.x as the schema's 0.5.7. */
  format_version: string;
  /** Set when the description was converted from an older format (`0.4.10`). */
  converted_from?: string;
  name: string;
  description: string;
  inputs: InputTensorDescr[];
  outputs: OutputTensorDescr[];
  weights: Partial<Record<WeightsFormat, WeightsEntry>>;
  documentation: string | null;
  covers: string[];
  attachments: FileDescr[];
  /** Free-form; `config.bioimageio.reproducibility_tolerance` is read by `testModel`. */
  config: Record<string, unknown>;
}
