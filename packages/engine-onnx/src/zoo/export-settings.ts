import fs from 'node:fs';
import { parseYaml } from '@biaflow/bioimageio';
import { ConfigError, InputError, type BundleMeta, type ConfigIssue } from '../core-api';
import { EXPORT_SECTION, exportSection, type ExportSettings } from './export-section';

/** zod issues → core's config issues, located under `export.`. */
function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }): ConfigIssue[] {
  return error.issues.map((i) => ({
    path: [EXPORT_SECTION, ...i.path].reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), ''),
    message: i.message,
  }));
}

/** The `export:` section of a config file (YAML or JSON); an error naming the file when it has none. */
export function readExportSection(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot be read: ${(e as Error).message}`, { file, cause: e });
  }
  // A syntax error is a BioimageioError naming the file, line and column (exit code 2).
  const raw = parseYaml(text, file);
  const section = (raw as Record<string, unknown> | null)?.[EXPORT_SECTION];
  if (section === undefined) throw new InputError(`has no ${EXPORT_SECTION}: section`, { file, hint: 'write the package metadata under export: (name, description, authors, license, cite, tags, git_repo)' });
  if (!section || typeof section !== 'object' || Array.isArray(section)) throw new ConfigError([{ path: EXPORT_SECTION, message: 'must be a mapping of keys' }], file);
  return section as Record<string, unknown>;
}

/**
 * The export settings of a model: the `export:` section stored with it (its training config, when
 * that listed this plugin), each key overridden by the same key of `override` (a `--config` file's
 * section), validated with the section's schema (defaults filled in).
 */
export function exportSettings(meta: BundleMeta, override?: { section: Record<string, unknown>; source: string }): ExportSettings {
  const stored = ((meta.config as Record<string, unknown> | null)?.[EXPORT_SECTION] ?? {}) as Record<string, unknown>;
  const merged = { ...stored, ...(override?.section ?? {}) };
  const parsed = exportSection.safeParse(merged);
  if (!parsed.success) throw new ConfigError(issuesOf(parsed.error), override?.source ?? 'the export section stored in the model');
  return parsed.data;
}
