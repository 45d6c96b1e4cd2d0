import fs from 'node:fs';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import YAML from 'yaml';
import { ConfigError, InputError, UsageError } from '../errors';
import { checkSettingsFileSize } from '@biaflow/fs';

/**
 * Where a config is searched for when none is passed: data configs only. A `.js` / `.cjs` / `.ts`
 * config is code and runs only when the person passes it with `--config` (docs/security.md).
 */
const CONFIG_SEARCH_PLACES = [
  'biaflow.config.yaml',
  'biaflow.config.yml',
  'biaflow.config.json',
  '.biaflowrc',
  '.biaflowrc.yaml',
  '.biaflowrc.yml',
  '.biaflowrc.json',
  'package.json',
];

/** Keys of a plugin manifest (package.json#biaflow of a plugin package), which is not a config. */
const MANIFEST_KEYS = ['workflows', 'steps', 'sections', 'readers', 'writers', 'points', 'engines', 'trainers', 'backends', 'networks', 'outputs', 'formats', 'commands'];

/**
 * How many times a config's YAML aliases (`*name`) may be expanded, weighted by what they hold (the
 * `yaml` library's `maxAliasCount`, at its default): a config needs a few at most, a "billion laughs"
 * document of a few hundred bytes would expand to gigabytes.
 */
const MAX_CONFIG_ALIAS_COUNT = 100;

/** YAML with line and column in its errors (cosmiconfig's default loader reports less). */
const yamlLoader: Loader = (filepath, content) => {
  const doc = YAML.parseDocument(content, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}` })),
      filepath,
    );
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_CONFIG_ALIAS_COUNT });
  } catch (e) {
    throw new ConfigError([{ path: '', message: `YAML aliases cannot be expanded: ${(e as Error).message} (biaflow expands at most ${MAX_CONFIG_ALIAS_COUNT}, weighted by their size)` }], filepath);
  }
};

const explorer = () =>
  cosmiconfig('biaflow', {
    searchStrategy: 'none',
    searchPlaces: CONFIG_SEARCH_PLACES,
    loaders: { '.yaml': yamlLoader, '.yml': yamlLoader, noExt: yamlLoader },
  });

/**
 * The folders searched from `cwd`: up to the nearest one holding `package.json` or `.git` (the
 * project root, included); with neither on the way up, `cwd` alone — never the whole tree up to `/`
 * (which would include world-writable folders such as `/tmp`).
 */
export function searchFolders(cwd: string): string[] {
  const folders: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    folders.push(dir);
    if (fs.existsSync(path.join(dir, 'package.json')) || fs.existsSync(path.join(dir, '.git'))) return folders;
    if (path.dirname(dir) === dir) return [path.resolve(cwd)];
  }
}

/** The first data config in the search folders (a plugin's package.json manifest is not a config). */
async function searchConfig(cwd: string): Promise<{ config: unknown; filepath: string } | null> {
  for (const dir of searchFolders(cwd)) {
    for (const place of CONFIG_SEARCH_PLACES) {
      const file = path.join(dir, place);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
      checkSettingsFileSize(file, 'a config');
      const found = await loadNaming(file);
      if (!found || found.isEmpty || found.config === undefined) continue;
      if (place === 'package.json' && isManifest(found.config)) continue;
      return found;
    }
  }
  return null;
}

/** Load one config file; a failure to read or parse it (of any kind) is a ConfigError naming it. */
async function loadNaming(file: string): Promise<{ config: unknown; filepath: string; isEmpty?: boolean } | null> {
  try {
    return await explorer().load(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([{ path: '', message: (e as Error).message }], file);
  }
}

function isManifest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && MANIFEST_KEYS.some((k) => k in value);
}

interface ConfigFile {
  /** Absolute path of the file. */
  filepath: string;
  /** Its content, not yet validated. */
  raw: Record<string, unknown>;
}

/** Read `--config FILE` (any format, code included), or search data configs from `cwd` up to the project root. Undefined when none exists. */
export async function readConfigFile(file: string | undefined, cwd: string): Promise<ConfigFile | undefined> {
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    if (file) {
      const filepath = path.resolve(cwd, file);
      if (!fs.existsSync(filepath)) {
        throw new UsageError(`config file ${filepath} does not exist`, 'check the --config path (it is relative to the working directory)');
      }
      checkSettingsFileSize(filepath, 'a config');
      result = await loadNaming(filepath);
    } else {
      result = await searchConfig(cwd);
    }
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof InputError) throw e;
    throw new ConfigError([{ path: '', message: (e as Error).message }], file ? path.resolve(cwd, file) : undefined);
  }
  if (!result) return undefined;
  const raw = result.config ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ path: '', message: `a config must be a mapping of sections (got ${typeof raw})` }], result.filepath);
  }
  return { filepath: result.filepath, raw: raw as Record<string, unknown> };
}
