import { BiaflowError, UsageError } from '../errors';
import type { Kernel } from '../kernel/kernel';
import { loadPlugin } from '../plugins/load-plugins';
import { manifestDrift } from '../plugins/manifest-drift';
import { checkPluginPackage, installedPluginPackages, type PluginPackage } from '../plugins/manifest';
import { packageDirOf } from '../plugins/package-roots';
import { isPathSpecifier, resolvePlugin } from '../plugins/resolve-plugin';
import { createKernel } from '../run/create-kernel';
import { kernelFor } from './kernel-for';
import type { CliIO } from './output';

const WHERE = 'biaflow plugins --check';

/** A package to check: its manifest, and the entry it loads by (its name, or the path given). */
interface ToCheck {
  pkg: PluginPackage;
  specifier: string;
}

/** The package a named entry is (exit 2 when it is none): an installed package by name, or a plugin package's folder by path. */
function namedPackage(specifier: string, cwd: string): ToCheck {
  const found = resolvePlugin({ specifier, baseDir: cwd, where: WHERE });
  if (!found) {
    throw new UsageError(
      `cannot find plugin "${specifier}" (looked from ${cwd})`,
      isPathSpecifier(specifier) ? 'give the folder of a plugin package (one holding its package.json), e.g. --check .' : '`biaflow plugins` lists the installed plugin packages',
    );
  }
  if (found.package) return { pkg: found.package, specifier };
  // A path: the package around the file it resolves to, which must declare a plugin (its manifest is what is checked).
  const dir = packageDirOf(found.file);
  const checked = dir ? checkPluginPackage(dir) : { problem: 'it is in no package (no package.json above it)' };
  if (checked.problem !== undefined) {
    throw new UsageError(`"${specifier}" (${found.file}) cannot be checked: ${checked.problem}`, 'a plugin package carries the keyword "biaflow-plugin" and lists its contributions under "biaflow" in its package.json (docs/plugins.md)');
  }
  return { pkg: checked.plugin, specifier };
}

/**
 * A new kernel to apply one package to: the distribution's (its default plugins may be what the
 * package builds on), or core's alone for a package the distribution applies by default itself (it
 * cannot be applied twice).
 */
async function freshKernel(io: Pick<CliIO, 'createKernel'>, name: string): Promise<Kernel> {
  const kernel = await kernelFor(io);
  return kernel.defaultPlugins.some((p) => p.name === name) ? createKernel() : kernel;
}

/**
 * `biaflow plugins --check [packages...]`: each installed plugin package (or each named one) is
 * loaded, applied to a new kernel, and its manifest compared with what `apply()` registered
 * (`manifestDrift`). Prints `ok` or each difference per package; exit 1 when any package differs
 * or cannot be applied (the check ran and found a fault in a plugin), exit 2 for a name that is no
 * installed plugin package (bad input).
 */
export async function checkPluginManifests(named: readonly string[] | undefined, io: Pick<CliIO, 'cwd' | 'stdout' | 'createKernel'>): Promise<void> {
  const list: ToCheck[] = named?.length
    ? named.map((s) => namedPackage(s, io.cwd))
    : installedPluginPackages(io.cwd).map((pkg) => ({ pkg, specifier: pkg.name }));
  if (list.length === 0) throw new UsageError(`no plugin package is installed where ${io.cwd} resolves packages`, 'install one, or name a plugin package\'s folder: biaflow plugins --check ./my-plugin');
  const failed: string[] = [];
  for (const { pkg, specifier } of list) {
    const label = `${pkg.name} ${pkg.version}`;
    let differences: string[];
    try {
      const kernel = await freshKernel(io, pkg.name);
      if (!kernel.allPlugins.some((p) => p.name === pkg.name)) {
        const { plugin, source } = await loadPlugin({ specifier, baseDir: io.cwd, where: WHERE });
        await kernel.use(plugin, source);
      }
      differences = manifestDrift(pkg, kernel).map((d) => d.text);
    } catch (e) {
      differences = [`cannot be applied: ${(e as Error).message.split('\n')[0]}`];
    }
    if (differences.length === 0) {
      io.stdout(`${label}: ok\n`);
      continue;
    }
    failed.push(pkg.name);
    io.stdout(`${label}: ${differences.length} difference${differences.length > 1 ? 's' : ''} between its manifest (package.json "biaflow") and what apply() registers\n`);
    for (const d of differences) io.stdout(`  ${d}\n`);
  }
  if (failed.length) {
    throw new BiaflowError(`${failed.length} of ${list.length} plugin package${list.length > 1 ? 's' : ''} checked differ${failed.length > 1 ? '' : 's'} from ${failed.length > 1 ? 'their manifests' : 'its manifest'}: ${failed.join(', ')}`, {
      exitCode: 1,
      hint: 'make the package.json "biaflow" lists say what apply() registers (docs/plugins.md): biaflow reads them to find a workflow\'s or a step\'s package and to list contributions without running code',
    });
  }
}
