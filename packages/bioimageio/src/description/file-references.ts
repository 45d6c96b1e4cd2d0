import { BioimageioError } from '../errors';
import type { ModelDescription, WeightsFormat } from './types';
import { quote } from '../printable';

/** What a referenced file is for: which ones `testModel` needs depends on it. */
export type FileRole = 'weights' | 'test_tensor' | 'sample_tensor' | 'documentation' | 'cover' | 'attachment';

export interface FileReference {
  /** Field path of the `source` (`weights.onnx.source`, `inputs[0].test_tensor.source`). */
  field: string;
  source: string;
  sha256: string | null;
  role: FileRole;
  /** For role `weights`: the format the file belongs to (weights, external data, architecture, environment). */
  weightsFormat?: WeightsFormat;
}

/** Every file a description refers to, in the order of the description. */
export function fileReferences(d: ModelDescription): FileReference[] {
  const refs: FileReference[] = [];
  const tensors = [...d.inputs.map((t, i) => ({ t, f: `inputs[${i}]` })), ...d.outputs.map((t, i) => ({ t, f: `outputs[${i}]` }))];
  for (const { t, f } of tensors) {
    if (t.test_tensor) refs.push({ field: `${f}.test_tensor.source`, ...t.test_tensor, role: 'test_tensor' });
    if (t.sample_tensor) refs.push({ field: `${f}.sample_tensor.source`, ...t.sample_tensor, role: 'sample_tensor' });
  }
  for (const [format, w] of Object.entries(d.weights) as [WeightsFormat, NonNullable<ModelDescription['weights'][WeightsFormat]>][]) {
    const base = { role: 'weights' as const, weightsFormat: format };
    refs.push({ field: `weights.${format}.source`, source: w.source, sha256: w.sha256, ...base });
    if (w.external_data) refs.push({ field: `weights.${format}.external_data.source`, ...w.external_data, ...base });
    if (w.architecture?.source) refs.push({ field: `weights.${format}.architecture.source`, source: w.architecture.source, sha256: w.architecture.sha256 ?? null, ...base });
    if (w.dependencies) refs.push({ field: `weights.${format}.dependencies.source`, ...w.dependencies, ...base });
  }
  if (d.documentation) refs.push({ field: 'documentation', source: d.documentation, sha256: null, role: 'documentation' });
  d.covers.forEach((c, i) => refs.push({ field: `covers[${i}]`, source: c, sha256: null, role: 'cover' }));
  d.attachments.forEach((a, i) => refs.push({ field: `attachments[${i}].source`, ...a, role: 'attachment' }));
  return refs;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The longest package-relative path read. */
export const MAX_PATH_LENGTH = 1024;

/**
 * A package-relative path in normal form (`a/b.npy`), or an error naming the field for a path
 * that could leave the package: absolute, with a drive letter, or with `..` segments.
 */
export function packagePath(source: string, field?: string, file?: string): string {
  // No file system holds a longer path; the limit keeps messages that name the file short.
  if (source.length > MAX_PATH_LENGTH) throw new BioimageioError(`${quote(source)} is no file path (longer than ${MAX_PATH_LENGTH} characters)`, { field, file });
  const s = source.replace(/\\/g, '/');
  if (s.startsWith('/') || /^[a-zA-Z]:/.test(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    throw new BioimageioError(`${quote(source)} is not a path inside the package (absolute paths and other URL schemes are refused)`, { field, file });
  }
  const parts = s.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new BioimageioError(`${quote(source)} leaves the package ('..' segments are refused)`, { field, file });
  if (parts.length === 0) throw new BioimageioError(`${quote(source)} names no file`, { field, file });
  return parts.join('/');
}
