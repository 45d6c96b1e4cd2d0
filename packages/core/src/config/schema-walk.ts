import fs from 'node:fs';
import path from 'node:path';
import { isModelName } from '../plugins/model-names';
import { z, type ZodType } from 'zod';

/** Config key paths are arrays of keys and indices: ['postprocess', 1, 'method']. */
export type KeyPath = (string | number)[];

interface Def {
  type: string;
  innerType?: ZodType;
  in?: ZodType;
  shape?: Record<string, ZodType>;
  element?: ZodType;
  options?: ZodType[];
  items?: ZodType[];
  valueType?: ZodType;
}

const def = (s: ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Strip optional/default/... wrappers, collecting whether any level is marked as a path. */
function peel(schema: ZodType): { inner: ZodType; isPath: boolean; isModelRef: boolean } {
  let s = schema;
  let isPath = false;
  let isModelRef = false;
  for (;;) {
    const format = (z.globalRegistry.get(s) as { format?: string } | undefined)?.format;
    if (format === 'path') isPath = true;
    if (format === 'model-ref') isModelRef = true;
    const d = def(s);
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return { inner: s, isPath, isModelRef };
  }
}

export function unwrap(schema: ZodType): ZodType {
  return peel(schema).inner;
}

/** Keys of an object schema, or undefined when the schema is not an object. */
export function objectKeys(schema: ZodType): string[] | undefined {
  const d = def(unwrap(schema));
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : undefined;
}

type SchemaLookup = { schema: ZodType } | { missingAt: number; candidates: string[] };

/** The schema at a key path, or where the path leaves the schema and which keys were possible there. */
export function schemaAt(schema: ZodType, keyPath: KeyPath): SchemaLookup {
  let s = schema;
  for (let i = 0; i < keyPath.length; i++) {
    const d = def(unwrap(s));
    const key = keyPath[i];
    if (d.type === 'object' && d.shape) {
      const next = typeof key === 'string' ? d.shape[key] : undefined;
      if (!next) return { missingAt: i, candidates: Object.keys(d.shape) };
      s = next;
    } else if (d.type === 'array' && d.element && typeof key === 'number') {
      s = d.element;
    } else if (d.type === 'tuple' && d.items && typeof key === 'number' && key < d.items.length) {
      s = d.items[key];
    } else if (d.type === 'record' && d.valueType) {
      s = d.valueType;
    } else if (d.type === 'object' || d.type === 'array' || d.type === 'tuple') {
      return { missingAt: i, candidates: [] };
    } else {
      // Loose values (post-processing steps, unions of objects): validated later, accept the path.
      return { schema: z.unknown() };
    }
  }
  return { schema: s };
}

/** Resolve every path-typed string in `value` against `baseDir`; returns a new value. */
export function resolvePaths(value: unknown, schema: ZodType, baseDir: string): unknown {
  const { inner, isPath, isModelRef } = peel(schema);
  if (isPath && typeof value === 'string') return path.resolve(baseDir, value);
  // A model reference is a path, or the name of an installed model when no such file exists.
  if (isModelRef && typeof value === 'string') return isModelName(value) && !fs.existsSync(path.resolve(baseDir, value)) ? value : path.resolve(baseDir, value);
  const d = def(inner);
  if (d.type === 'object' && d.shape && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = d.shape[k] ? resolvePaths(v, d.shape[k], baseDir) : v;
    }
    return out;
  }
  if (d.type === 'array' && d.element && Array.isArray(value)) {
    return value.map((v) => resolvePaths(v, d.element as ZodType, baseDir));
  }
  if (d.type === 'union' && d.options) {
    // A value matching a path-typed option of a union is a path.
    if (typeof value === 'string' && d.options.some((o) => peel(o).isPath)) return path.resolve(baseDir, value);
  }
  return value;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `train.epochs`, `postprocess[1].method` */
export function formatKeyPath(keyPath: readonly PropertyKey[]): string {
  let out = '';
  for (const k of keyPath) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out;
}

/** Parse `a.b[2].c` or `a.b.2.c` into a key path. */
export function parseKeyPath(text: string): KeyPath {
  const out: KeyPath = [];
  for (const part of text.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`bad key "${text}"`);
    if (m[1]) out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  if (out.length === 0 || out.some((k) => k === '')) throw new Error(`bad key "${text}"`);
  return out;
}
