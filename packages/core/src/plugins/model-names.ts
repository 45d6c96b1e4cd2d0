import fs from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../errors';
import { excerpt } from '@biaflow/image';
import { packagesIn } from './manifest';
import { packageDirOf } from './package-roots';

/**
 * Models shipped in installed packages, named in their `package.json` as data:
 *
 * ```json
 * "biaflow": { "models": [{ "name": "nuclei2d", "path": "model", "description": "…" }] }
 * ```
 *
 * so `biaflow predict --model nuclei2d` and `model.load: nuclei2d` find them. Nothing of the package
 * runs: the entry only says where the model's folder (a bundle, or a model a registered format reads)
 * is inside the package.
 */
export interface NamedModel {
  name: string;
  description: string;
  /** Absolute path of the model inside its package. */
  dir: string;
  /** The package that ships it. */
  package: string;
  version: string;
}

/** A model name: letters, digits, `-`, `_`, `.`; no path separator (anything else is a path). */
export function isModelName(ref: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ref);
}

function modelsOf(dir: string): NamedModel[] {
  const file = path.join(dir, 'package.json');
  let pkg: { name?: unknown; version?: unknown; biaflow?: { models?: unknown } };
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const list = pkg.biaflow?.models;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InputError(`"biaflow.models" must be a list (got ${excerpt(list)})`, { file, hint: 'see docs/plugins.md for the manifest format' });
  return list.map((entry: unknown, i) => {
    const e = (entry ?? {}) as { name?: unknown; path?: unknown; description?: unknown };
    const where = `biaflow.models[${i}]`;
    if (typeof e.name !== 'string' || !isModelName(e.name)) throw new InputError(`${where}.name must be a model name (letters, digits, - _ .), got ${excerpt(e.name)}`, { file });
    const rel = typeof e.path === 'string' ? e.path.replace(/\\/g, '/') : '';
    if (!rel || path.isAbsolute(rel) || rel.split('/').includes('..')) {
      throw new InputError(`${where}.path must be a folder or file inside the package, got ${excerpt(e.path)}`, { file });
    }
    return { name: e.name, description: typeof e.description === 'string' ? e.description : '', dir: path.join(dir, rel), package: String(pkg.name), version: String(pkg.version ?? '') };
  });
}

/**
 * The named models installed where `from` resolves packages, in lookup order: its node_modules chain
 * (the person's project) first, then first-party `@biaflow/*` packages beside core. A name found
 * earlier hides the same name later.
 */
export function installedModels(from: string): NamedModel[] {
  const found = new Map<string, NamedModel>();
  const visit = (root: string, firstPartyOnly: boolean) => {
    for (const dir of packagesIn(root)) {
      let real: string;
      try {
        real = fs.realpathSync(dir);
      } catch {
        continue;
      }
      for (const m of modelsOf(real)) if (!found.has(m.name) && (!firstPartyOnly || m.package.startsWith('@biaflow/'))) found.set(m.name, m);
    }
  };
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    visit(path.join(dir, 'node_modules'), false);
    if (path.dirname(dir) === dir) break;
  }
  const coreDir = packageDirOf(__filename);
  // Installed as @biaflow/core, its scope folder holds the other first-party packages; in this
  // repository's workspace, packages/ does.
  if (coreDir) visit(path.dirname(coreDir), true);
  return [...found.values()];
}

/**
 * Where a model reference points: a path that exists (relative to `cwd`), else an installed model of
 * that name. Anything else is a usage error naming the installed models.
 */
export function resolveModelRef(ref: string, cwd: string, what = 'model'): string {
  const asPath = path.resolve(cwd, ref);
  if (fs.existsSync(asPath) || !isModelName(ref)) return asPath;
  const models = installedModels(cwd);
  const hit = models.find((m) => m.name === ref);
  if (hit) return hit.dir;
  throw new UsageError(
    `${what} "${ref}" is neither a file or folder (${asPath} does not exist) nor the name of an installed model (installed: ${models.map((m) => m.name).join(', ') || 'none'})`,
    'give the path of a model bundle or zoo package, or install the package that ships the model (`biaflow plugins` lists the installed models)',
  );
}
