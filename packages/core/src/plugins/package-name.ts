import { builtinModules } from 'node:module';

/**
 * npm's grammar of a package name, as validate-npm-package-name checks names of new packages:
 * `name` or `@scope/name`, each part lower-case letters, digits, `-`, `.` and `_` (what survives URL
 * encoding, without capitals and without `~'!()*`), not starting with `.` or `_`, at most 214
 * characters, not a Node core module — and, stricter than npm, never holding `..`. A name that fits cannot hold a path: no `..` segment, no
 * second `/`, no `\`, no `%`-escape, no look-alike Unicode dot, no drive letter, nothing absolute —
 * so `<node_modules>/<name>` is always a folder directly inside that node_modules.
 */
const PART = /^[a-z0-9-][a-z0-9._-]*$/;
const MAX_LENGTH = 214;
const RESERVED = new Set(['node_modules', 'favicon.ico']);

/** Why `name` is not an npm package name (undefined when it is one). */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  const parts = name.split('/');
  const scoped = name.startsWith('@');
  if (scoped ? parts.length !== 2 : parts.length !== 1) {
    return scoped ? 'a scoped name is @scope/name (one "/", no path after it)' : 'it holds a "/" (a package name has no path; a scope is written @scope/name)';
  }
  const [scope, bare] = scoped ? [parts[0].slice(1), parts[1]] : [undefined, parts[0]];
  for (const part of scope === undefined ? [bare] : [scope, bare]) {
    if (!PART.test(part)) {
      return part === '' || part.startsWith('.') || part.startsWith('_')
        ? 'each part must start with a lower-case letter, a digit or "-" (no ".", "..", "_" or empty part)'
        : 'it may hold only lower-case letters, digits, "-", "." and "_"';
    }
  }
  // npm would take `a..b`; no plugin needs it, and a name that never holds ".." cannot be read as a step up anywhere.
  if (name.includes('..')) return 'it holds ".." (a package name has no path)';
  if (RESERVED.has(bare) && !scoped) return `"${bare}" is reserved`;
  if (!scoped && builtinModules.includes(bare)) return `"${bare}" is a Node core module`;
  return undefined;
}

export function isPackageName(name: string): boolean {
  return packageNameProblem(name) === undefined;
}
