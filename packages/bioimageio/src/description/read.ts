import { parseDocument } from 'yaml';
import { bytesText } from '../bytes-text';
import { BioimageioError, issuesError } from '../errors';
import { excerptText } from '../printable';
import { DESCRIPTION_LIMIT, MAX_DESCRIPTION_BYTES } from '../read-limit';
import { checkModelDescription } from './check';
import { convertV04ToV05 } from './convert-v0-4';
import { describe } from './fields';
import { parseModelDescriptionV05 } from './parse-v0-5';
import type { ModelDescription } from './types';

/** `0.5` or `0.4` from a `format_version`, or an error naming the field. */
export function formatMinorVersion(raw: Record<string, unknown>, file?: string): '0.4' | '0.5' {
  const v = raw.format_version;
  if (typeof v !== 'string') {
    throw new BioimageioError(v === undefined ? 'is required (e.g. 0.5.7)' : `must be a version string like "0.5.7", got ${describe(v)}`, { file, field: 'format_version' });
  }
  const minor = /^(\d+)\.(\d+)\.\d+$/.exec(v);
  if (minor && minor[1] === '0' && (minor[2] === '5' || minor[2] === '4')) return `0.${minor[2]}` as '0.4' | '0.5';
  throw new BioimageioError(`format_version ${v} is not read: model descriptions 0.4.x and 0.5.x are`, {
    file,
    field: 'format_version',
    hint: 'update the description with bioimageio.spec (`bioimageio update-format`)'
  });
}

/**
 * How many times YAML aliases (`*name`) may be expanded, weighted by what each one holds (the
 * `yaml` library's `maxAliasCount`): descriptions written by Python repeat a few objects by alias,
 * while a "billion laughs" document of a few hundred bytes expands to gigabytes.
 */
export const MAX_YAML_ALIAS_COUNT = 1000;

/**
 * Parse YAML text into plain data; syntax errors name the file, line and column. Text longer than
 * `MAX_DESCRIPTION_BYTES` is refused unparsed, and aliases expand at most `MAX_YAML_ALIAS_COUNT` times.
 */
export function parseYaml(text: string, file?: string): unknown {
  if (text.length > MAX_DESCRIPTION_BYTES) {
    throw new BioimageioError(`is ${text.length} characters, more than ${bytesText(MAX_DESCRIPTION_BYTES)} (${DESCRIPTION_LIMIT.limit}); refused before parsing it`, { file, hint: DESCRIPTION_LIMIT.hint });
  }
  // Parsing and building the data can throw on their own (nesting too deep for the stack, aliases
  // that expand beyond the limit): still a problem of this file, said as one (exit 2), never an internal error.
  const invalid = (e: unknown) => new BioimageioError(`invalid YAML: ${excerptText((e as Error).message, 200)}`, { file, cause: e });
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw invalid(e);
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    throw new BioimageioError(`invalid YAML${at}: ${excerptText(e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), 200)}`, { file });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (e) {
    // The yaml library's ReferenceError for too many aliases ("Excessive alias count…"), or an alias to nothing.
    throw new BioimageioError(`YAML aliases cannot be expanded: ${excerptText((e as Error).message, 200)} (biaflow expands at most ${MAX_YAML_ALIAS_COUNT}, weighted by their size)`, {
      file,
      hint: 'a description repeats a few objects by alias at most: this one expands like a "billion laughs" attack, or is damaged',
      cause: e,
    });
  }
}

/**
 * The typed model description of a parsed `bioimageio.yaml` / `rdf.yaml`. A 0.4 description is
 * converted to the 0.5 layout first. Throws a `BioimageioError` naming the field of the first
 * structural problem, or listing every relation problem found by `checkModelDescription`
 * (pass `check: false` to get the description regardless, e.g. to report the problems yourself).
 */
export function parseModelDescription(raw: unknown, options: { file?: string; check?: boolean } = {}): ModelDescription {
  const { file } = options;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BioimageioError(`a description is a YAML mapping, got ${describe(raw)}`, { file });
  }
  const o = raw as Record<string, unknown>;
  if (o.type !== 'model') {
    throw new BioimageioError(`only model descriptions are read, got type ${describe(o.type)}`, { file, field: 'type' });
  }
  const minor = formatMinorVersion(o, file);
  let description: ModelDescription;
  if (minor === '0.4') {
    description = parseModelDescriptionV05(convertV04ToV05(o, file), file);
    description.converted_from = o.format_version as string;
  } else {
    description = parseModelDescriptionV05(o, file);
  }
  if (options.check !== false) {
    const issues = checkModelDescription(description);
    if (issues.length > 0) throw issuesError('invalid model description', issues, file);
  }
  return description;
}
