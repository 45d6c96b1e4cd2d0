import { BioimageioError } from './errors';
import type { Axis } from './description/types';
import { allocate, dtypeOf, elementCount, stridesOf, type NdArray } from './ndarray';
import { quote } from './printable';

/**
 * biaflow's model layout is batch first, channels last: `[b, y, x, c]` in 2D, `[b, z, y, x, c]` in
 * 3D. Zoo tensors declare any order (`bcyx`, `byxc`, `bczyx`, `cyx`, …). These functions move a
 * tensor between its declared order and the model layout, adding a size-1 batch or channel
 * dimension the declaration leaves out (and dropping it again on the way back).
 */
export type AxesSpec = readonly Axis[] | string;

const SPATIAL_ORDER = ['z', 'y', 'x'];
const LETTER_TYPES: Record<string, Axis['type']> = { b: 'batch', c: 'channel', z: 'space', y: 'space', x: 'space', t: 'time', i: 'index' };

interface Role {
  kind: 'batch' | 'channel' | 'space';
  /** Space axes: z, y or x. */
  id: string;
}

/**
 * The role of each declared axis, or an error naming the axis that biaflow cannot place
 * (time and index axes, space axes not called x, y or z).
 */
export function axisRoles(axes: AxesSpec, options: { field?: string; file?: string } = {}): Role[] {
  const list: { type: Axis['type']; id: string }[] =
    typeof axes === 'string' ? [...axes].map((l) => ({ type: LETTER_TYPES[l] ?? (l as Axis['type']), id: l === 'b' ? 'batch' : l === 'c' ? 'channel' : l })) : [...axes];
  const roles = list.map((a, i): Role => {
    const field = options.field ? `${options.field}.axes[${i}]` : undefined;
    if (a.type === 'batch' || a.type === 'channel') return { kind: a.type, id: a.id };
    if (a.type === 'space') {
      if (!SPATIAL_ORDER.includes(a.id)) {
        throw new BioimageioError(`space axis ${quote(a.id)} is not supported by biaflow: space axes must be called x, y or z`, { file: options.file, field: field && `${field}.id` });
      }
      return { kind: 'space', id: a.id };
    }
    if (a.type === 'time' || a.type === 'index') {
      throw new BioimageioError(`axis type ${quote(a.type)} is not supported by biaflow (batch, channel and space axes x, y, z are)`, { file: options.file, field: field && `${field}.type` });
    }
    throw new BioimageioError(`unknown axis ${quote(String((a as { type: unknown }).type))}${typeof axes === 'string' ? ` in ${quote(axes)} (letters b, c, z, y, x)` : ''}`, { file: options.file, field });
  });
  for (const kind of ['batch', 'channel'] as const) {
    if (roles.filter((r) => r.kind === kind).length > 1) throw new BioimageioError(`more than one ${kind} axis`, { file: options.file, field: options.field });
  }
  const spatial = roles.filter((r) => r.kind === 'space').map((r) => r.id);
  if (new Set(spatial).size !== spatial.length) throw new BioimageioError(`space axes repeat (${spatial.join(', ')})`, { file: options.file, field: options.field });
  return roles;
}

/** The spatial axes in model order (`['z', 'y', 'x']` or `['y', 'x']`) of a declaration. */
export function spatialAxes(axes: AxesSpec, options: { field?: string; file?: string } = {}): string[] {
  const present = axisRoles(axes, options)
    .filter((r) => r.kind === 'space')
    .map((r) => r.id);
  return SPATIAL_ORDER.filter((s) => present.includes(s));
}

/** Reorder dimensions: output dimension k is input dimension `perm[k]`. */
export function transpose(tensor: NdArray, perm: readonly number[]): NdArray {
  const shape = perm.map((p) => tensor.shape[p]);
  const dtype = dtypeOf(tensor);
  if (perm.every((p, k) => p === k)) return { data: tensor.data.slice() as NdArray['data'], shape, ...(dtype === 'bool' ? { dtype } : {}) };
  const n = elementCount(shape);
  const src = tensor.data;
  const out = allocate(dtype, n);
  const inStrides = stridesOf(tensor.shape);
  const step = perm.map((p) => inStrides[p]);
  const index = new Array<number>(shape.length).fill(0);
  let from = 0;
  const o = out as unknown as { [i: number]: number | bigint };
  const s = src as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) {
    o[i] = s[from];
    for (let a = shape.length - 1; a >= 0; a--) {
      index[a]++;
      from += step[a];
      if (index[a] < shape[a]) break;
      from -= step[a] * shape[a];
      index[a] = 0;
    }
  }
  const result: NdArray = { data: out, shape };
  if (dtype === 'bool') result.dtype = 'bool';
  return result;
}

/** A tensor in its declared axis order → `[b, (z), y, x, c]`. */
export function toModelLayout(tensor: NdArray, axes: AxesSpec, options: { field?: string; file?: string } = {}): NdArray {
  const roles = axisRoles(axes, options);
  if (tensor.shape.length !== roles.length) {
    throw new BioimageioError(`tensor has ${tensor.shape.length} dimensions [${tensor.shape.join(', ')}], ${roles.length} axes are declared`, options);
  }
  const perm: number[] = [];
  const batch = roles.findIndex((r) => r.kind === 'batch');
  if (batch >= 0) perm.push(batch);
  for (const s of SPATIAL_ORDER) {
    const k = roles.findIndex((r) => r.kind === 'space' && r.id === s);
    if (k >= 0) perm.push(k);
  }
  const channel = roles.findIndex((r) => r.kind === 'channel');
  if (channel >= 0) perm.push(channel);
  const moved = transpose(tensor, perm);
  const shape = [...moved.shape];
  if (batch < 0) shape.unshift(1);
  if (channel < 0) shape.push(1);
  return { ...moved, shape };
}

/** `[b, (z), y, x, c]` → the declared axis order; a batch or channel the declaration leaves out must have size 1. */
export function fromModelLayout(tensor: NdArray, axes: AxesSpec, options: { field?: string; file?: string } = {}): NdArray {
  const roles = axisRoles(axes, options);
  const spatial = SPATIAL_ORDER.filter((s) => roles.some((r) => r.kind === 'space' && r.id === s));
  if (tensor.shape.length !== spatial.length + 2) {
    throw new BioimageioError(
      `expected a tensor in model layout [b, ${spatial.join(', ')}${spatial.length ? ', ' : ''}c] (${spatial.length + 2} dimensions), got shape [${tensor.shape.join(', ')}]`,
      options
    );
  }
  const hasBatch = roles.some((r) => r.kind === 'batch');
  const hasChannel = roles.some((r) => r.kind === 'channel');
  const last = tensor.shape.length - 1;
  if (!hasBatch && tensor.shape[0] !== 1) throw new BioimageioError(`the declared axes have no batch axis, so the batch size must be 1, got ${tensor.shape[0]}`, options);
  if (!hasChannel && tensor.shape[last] !== 1) throw new BioimageioError(`the declared axes have no channel axis, so there must be 1 channel, got ${tensor.shape[last]}`, options);
  // Position of each model-layout dimension's role, then the permutation back to declared order.
  const modelRoles = ['batch', ...spatial, 'channel'];
  const perm = roles.map((r) => modelRoles.indexOf(r.kind === 'space' ? r.id : r.kind));
  return transpose(tensor, perm);
}
