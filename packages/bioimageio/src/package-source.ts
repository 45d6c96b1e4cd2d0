import { BioimageioError } from './errors';
import { excerptText } from './printable';
import { parseModelDescription, parseYaml } from './description/read';
import { DESCRIPTION_LIMIT, type ReadLimit } from './read-limit';
import type { ModelDescription } from './description/types';

/**
 * Access to the files of a zoo package (a folder, a zip, or anything else holding them), by
 * package-relative path (`weights.onnx`, `data/test_input.npy`). The Node layer implements it for
 * folders and zips; a browser app can implement it over fetched or dropped files.
 */
export interface PackageSource {
  /** Names the package in messages: its folder, YAML or zip path. */
  readonly location: string;
  exists(path: string): Promise<boolean>;
  /** The file's bytes; with `limit`, a file larger than `limit.maxBytes` is refused before it is read (or inflated). */
  read(path: string, limit?: ReadLimit): Promise<Uint8Array>;
  /** Lower-case hex SHA-256 of a file (the Node layer streams it from disk). */
  sha256(path: string): Promise<string>;
}

export interface ModelPackage {
  source: PackageSource;
  /** The description file inside the package (`bioimageio.yaml` or `rdf.yaml`). */
  descriptionFile: string;
  /** The description as parsed from YAML, before typing (what the JSON schema validates). */
  raw: Record<string, unknown>;
  description: ModelDescription;
}

/** The names a package's description file has, in the order they are looked for. */
export const DESCRIPTION_FILE_NAMES = ['bioimageio.yaml', 'rdf.yaml'];

/** Where messages about the description point: `<package>/bioimageio.yaml`. */
export function descriptionLocation(source: PackageSource, descriptionFile: string): string {
  return source.location.endsWith(descriptionFile) ? source.location : `${source.location}/${descriptionFile}`;
}

export async function findDescriptionFile(source: PackageSource): Promise<string> {
  for (const name of DESCRIPTION_FILE_NAMES) if (await source.exists(name)) return name;
  throw new BioimageioError(`no ${DESCRIPTION_FILE_NAMES.join(' or ')} in the package`, {
    file: source.location,
    hint: 'a zoo package has its description at its root'
  });
}

/** The raw (YAML-parsed) description of a package. */
export async function readRawDescription(source: PackageSource, descriptionFile?: string): Promise<{ descriptionFile: string; raw: unknown }> {
  const name = descriptionFile ?? (await findDescriptionFile(source));
  const file = descriptionLocation(source, name);
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await source.read(name, DESCRIPTION_LIMIT));
  } catch (e) {
    if (e instanceof BioimageioError) throw e;
    // Text longer than a JavaScript string holds, or bytes that cannot be decoded: said of this file, not as an internal error.
    throw new BioimageioError(`cannot be read as text: ${excerptText((e as Error).message, 200)}`, { file, cause: e });
  }
  return { descriptionFile: name, raw: parseYaml(text, file) };
}

/**
 * Read and type a package's description. `check: false` returns a description whose field
 * relations (size references, halos) were not checked, for callers that report them (`testModel`).
 */
export async function loadModelPackage(source: PackageSource, options: { descriptionFile?: string; check?: boolean } = {}): Promise<ModelPackage> {
  const { descriptionFile, raw } = await readRawDescription(source, options.descriptionFile);
  const description = parseModelDescription(raw, { file: descriptionLocation(source, descriptionFile), check: options.check });
  return { source, descriptionFile, raw: raw as Record<string, unknown>, description };
}
