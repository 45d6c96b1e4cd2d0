import { stringify } from 'yaml';
import { BioimageioError, issuesError, type DescriptionIssue } from './errors';
import { isUrl, packagePath } from './description/file-references';
import { parseModelDescription } from './description/read';
import type { ModelDescription } from './description/types';
import { DESCRIPTION_FILE_NAMES } from './package-source';
import type { SchemaValidator } from './schema-validation';
import { quote } from './printable';

/** The format version packages are written with: the newest model version the bundled schema pins. */
export const WRITE_FORMAT_VERSION = '0.5.7';

export interface BuiltPackage {
  /** The description as written (format_version and every file's sha256 filled in). */
  raw: Record<string, unknown>;
  description: ModelDescription;
  /** The YAML text of `bioimageio.yaml`. */
  yaml: string;
  /** Every file of the package, `bioimageio.yaml` included, by package-relative path. */
  files: Map<string, Uint8Array>;
}

export interface BuildOptions {
  /** Hex SHA-256 of some bytes (the Node layer passes node:crypto; a browser, WebCrypto). */
  sha256: (bytes: Uint8Array) => string | Promise<string>;
  /** Validate the result against the zoo's JSON schema before anything is written. */
  validator?: SchemaValidator;
}

/**
 * Assemble a zoo package from a description (the spec 0.5 YAML structure as plain data) and its
 * files: sets `format_version` to 0.5.7, checks that every relative `source` is among the files,
 * fills in each file's `sha256`, and validates the result (typed reading, field relations, and
 * the JSON schema when a validator is given). Pure: the Node layer writes the result.
 */
export async function buildPackage(
  description: Record<string, unknown>,
  files: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>,
  options: BuildOptions
): Promise<BuiltPackage> {
  const given = new Map<string, Uint8Array>();
  for (const [name, bytes] of files instanceof Map ? files : Object.entries(files)) {
    const path = packagePath(name, `files['${name}']`);
    if (DESCRIPTION_FILE_NAMES.includes(path)) throw new BioimageioError(`${quote(name)} is the description file the builder writes; leave it out of the files`);
    given.set(path, bytes);
  }
  const raw = structuredClone(description) as Record<string, unknown>;
  raw.type = 'model';
  raw.format_version = WRITE_FORMAT_VERSION;

  const issues: DescriptionIssue[] = [];
  const hashes = new Map<string, string>();
  const hashOf = async (path: string): Promise<string> => {
    let h = hashes.get(path);
    if (h === undefined) {
      h = (await options.sha256(given.get(path)!)).toLowerCase();
      hashes.set(path, h);
    }
    return h;
  };
  /** Resolve one `source`: a URL stays; a path must be among the files; file entries get their sha256. */
  const resolve = async (holder: Record<string, unknown>, key: string, field: string, withSha: boolean): Promise<void> => {
    const source = holder[key];
    if (typeof source !== 'string' || isUrl(source)) return;
    let path: string;
    try {
      path = packagePath(source, field);
    } catch (e) {
      issues.push({ field, message: (e as Error).message.replace(`${field}: `, '') });
      return;
    }
    if (!given.has(path)) {
      issues.push({ field, message: `${quote(source)} is not among the files given (${[...given.keys()].join(', ') || 'none'})` });
      return;
    }
    holder[key] = path;
    if (withSha) holder.sha256 = await hashOf(path);
  };
  const fileDescr = async (value: unknown, field: string): Promise<void> => {
    if (value && typeof value === 'object' && !Array.isArray(value)) await resolve(value as Record<string, unknown>, 'source', `${field}.source`, true);
  };

  for (const list of ['inputs', 'outputs'] as const) {
    const tensors = Array.isArray(raw[list]) ? (raw[list] as Record<string, unknown>[]) : [];
    for (let i = 0; i < tensors.length; i++) {
      await fileDescr(tensors[i]?.test_tensor, `${list}[${i}].test_tensor`);
      await fileDescr(tensors[i]?.sample_tensor, `${list}[${i}].sample_tensor`);
    }
  }
  const weights = (raw.weights && typeof raw.weights === 'object' ? raw.weights : {}) as Record<string, Record<string, unknown> | null>;
  for (const [format, entry] of Object.entries(weights)) {
    if (!entry || typeof entry !== 'object') continue;
    await fileDescr(entry, `weights.${format}`);
    await fileDescr(entry.external_data, `weights.${format}.external_data`);
    await fileDescr(entry.dependencies, `weights.${format}.dependencies`);
    const arch = entry.architecture as Record<string, unknown> | undefined;
    if (arch && typeof arch === 'object' && 'source' in arch) await fileDescr(arch, `weights.${format}.architecture`);
  }
  if (Array.isArray(raw.attachments)) for (let i = 0; i < raw.attachments.length; i++) await fileDescr(raw.attachments[i], `attachments[${i}]`);
  if (typeof raw.documentation === 'string') await resolve(raw, 'documentation', 'documentation', false);
  if (Array.isArray(raw.covers)) for (let i = 0; i < raw.covers.length; i++) await resolve(raw.covers as unknown as Record<string, unknown>, String(i), `covers[${i}]`, false);
  if (issues.length > 0) throw issuesError('cannot build the package', issues);

  const typed = parseModelDescription(raw, { file: 'bioimageio.yaml' });
  if (options.validator) {
    const schemaIssues = options.validator.validate(raw);
    if (schemaIssues.length > 0) throw issuesError('the description does not validate against the zoo JSON schema', schemaIssues, 'bioimageio.yaml');
  }
  const yaml = stringify(raw, { lineWidth: 0 });
  const out = new Map<string, Uint8Array>([['bioimageio.yaml', new TextEncoder().encode(yaml)], ...given]);
  return { raw, description: typed, yaml, files: out };
}
