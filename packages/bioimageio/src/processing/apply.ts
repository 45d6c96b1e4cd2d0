import { BioimageioError } from '../errors';
import type { InputTensorDescr, OutputTensorDescr, ProcessingDescr } from '../description/types';
import { elementCount, type NdArray } from '../ndarray';
import { castTo } from './ops/ensure-dtype';
import { PROCESSING_OPS, isSupportedProcessingOp } from './registry';
import type { AxesTensor, StepContext } from './step-context';
import { quote } from '../printable';

export interface ProcessingOptions {
  /** Field path of the step list (`inputs[0].preprocessing`); step i is `${field}[i]`. */
  field: string;
  file?: string;
  /** Tensors `reference_tensor` may name: the model's unprocessed inputs, by id. */
  references?: Readonly<Record<string, AxesTensor>>;
}

/**
 * Run processing steps in order on a tensor in its declared axis order (`axes`: its axis ids).
 * An operation biaflow does not implement is an error naming it and its field.
 */
export function applyProcessing(tensor: NdArray, axes: readonly string[], steps: readonly ProcessingDescr[], options: ProcessingOptions): NdArray {
  if (tensor.shape.length !== axes.length) {
    throw new BioimageioError(`tensor has ${tensor.shape.length} dimensions [${tensor.shape.join(', ')}], the description declares ${axes.length} axes (${axes.join(', ')})`, {
      file: options.file,
      field: options.field
    });
  }
  if (tensor.data.length !== elementCount(tensor.shape)) {
    throw new BioimageioError(`tensor data holds ${tensor.data.length} elements, its shape [${tensor.shape.join(', ')}] needs ${elementCount(tensor.shape)}`, { field: options.field });
  }
  let x = tensor;
  steps.forEach((step, i) => {
    const field = `${options.field}[${i}]`;
    if (!isSupportedProcessingOp(step.id)) {
      throw new BioimageioError(`processing operation ${quote(step.id)} is not supported by biaflow (supported: ${Object.keys(PROCESSING_OPS).join(', ')})`, {
        file: options.file,
        field: `${field}.id`
      });
    }
    const ctx: StepContext = { field, file: options.file, references: options.references };
    x = PROCESSING_OPS[step.id](x, axes, step.kwargs, ctx);
  });
  return x;
}

/**
 * Preprocess an input tensor as the spec does: its listed steps, with a cast to `data.type` first
 * unless the list starts with `ensure_dtype`, and last unless it ends with `ensure_dtype` or
 * `binarize` (bioimageio.spec `InputTensorDescr`). Messages name `<field>.preprocessing[i]` as in the file.
 */
export function preprocess(
  input: InputTensorDescr,
  tensor: NdArray,
  options: { field: string; file?: string; references?: Readonly<Record<string, AxesTensor>> }
): NdArray {
  const axes = input.axes.map((a) => a.id);
  const steps = input.preprocessing;
  let x = tensor;
  if (steps[0]?.id !== 'ensure_dtype') x = castTo(x, input.dtype);
  x = applyProcessing(x, axes, steps, { ...options, field: `${options.field}.preprocessing` });
  const last = steps[steps.length - 1]?.id;
  if (last !== 'ensure_dtype' && last !== 'binarize') x = castTo(x, input.dtype);
  return x;
}

/** Postprocess an output tensor: its listed steps, then a cast to `data.type` unless they end with `ensure_dtype` or `binarize`. */
export function postprocess(
  output: OutputTensorDescr,
  tensor: NdArray,
  options: { field: string; file?: string; references?: Readonly<Record<string, AxesTensor>> }
): NdArray {
  const axes = output.axes.map((a) => a.id);
  const steps = output.postprocessing;
  let x = applyProcessing(tensor, axes, steps, { ...options, field: `${options.field}.postprocessing` });
  const last = steps[steps.length - 1]?.id;
  if (last !== 'ensure_dtype' && last !== 'binarize') x = castTo(x, output.dtype);
  return x;
}
