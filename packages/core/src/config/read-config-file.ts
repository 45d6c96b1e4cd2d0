import fs from 'node:fs';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import YAML from 'yaml';
import { ConfigError, UsageError } from '../errors';

export const CONFIG_SEARCH_PLACES = [
  'biaflow.config.yaml',
  'biaflow.config.yml',
  'biaflow.config.json',
  'biaflow.config.js',
  'biaflow.config.cjs',
  '.biaflowrc',
  '.biaflowrc.yaml',
  '.biaflowrc.yml',
  '.biaflowrc.json',
  '.biaflowrc.js',
  '.biaflowrc.cjs',
  'package.json',
];

/** YAML with line and column in its errors (cosmiconfig's default loader reports less). */
const yamlLoader: Loader = (filepath, content) => {
  const doc = YAML.parseDocument(content, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}` })),
      filepath,
    );
  }
  return doc.toJS();
};

const explorer = () =>
  cosmiconfig('biaflow', {
    searchStrategy: 'project',
    searchPlaces: CONFIG_SEARCH_PLACES,
    loaders: { '.yaml': yamlLoader, '.yml': yamlLoader, noExt: yamlLoader },
  });

export interface ConfigFile {
  /** Absolute path of the file. */
  filepath: string;
  /** Its content, not yet validated. */
  raw: Record<string, unknown>;
}

/** Read `--config FILE`, or search from `cwd` up to the project root. Undefined when none exists. */
export async function readConfigFile(file: string | undefined, cwd: string): Promise<ConfigFile | undefined> {
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    if (file) {
      const filepath = path.resolve(cwd, file);
      if (!fs.existsSync(filepath)) {
        throw new UsageError(`config file ${filepath} does not exist`, 'check the --config path (it is relative to the working directory)');
      }
      result = await explorer().load(filepath);
    } else {
      result = await explorer().search(cwd);
    }
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) throw e;
    throw new ConfigError([{ path: '', message: (e as Error).message }], file ? path.resolve(cwd, file) : undefined);
  }
  if (!result) return undefined;
  const raw = result.config ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ path: '', message: `a config must be a mapping of sections (got ${typeof raw})` }], result.filepath);
  }
  return { filepath: result.filepath, raw: raw as Record<string, unknown> };
}
