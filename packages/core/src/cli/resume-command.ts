import path from 'node:path';

/** Quote a word for a POSIX shell only when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * How the person called biaflow, as a command to type again: `biaflow` when it was found on the
 * PATH, `npx biaflow` from a project's node_modules/.bin, else `node <script>`.
 */
export function invocation(script = process.argv[1] ?? 'biaflow', env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const dir = path.dirname(script);
  const base = path.basename(script);
  if (base === 'biaflow') {
    const onPath = (env.PATH ?? '').split(path.delimiter).some((d) => d && path.resolve(d) === path.resolve(dir));
    if (onPath) return 'biaflow';
    if (dir.endsWith(path.join('node_modules', '.bin'))) return 'npx biaflow';
  }
  const relative = path.relative(cwd, script);
  return `node ${shellWord(relative && !relative.startsWith('..') ? relative : script)}`;
}

const OUT = new Set(['-o', '--out']);

/**
 * The command that continues a stopped run: the original arguments with `--resume` (once), the
 * run folder (`--out`) when the folder was the default one, and without `--overwrite` (which would
 * throw away what the stopped run did).
 */
export function resumeCommand(argv: readonly string[], runDir: string, options: { cwd: string; invocation: string }): string {
  const args = argv.filter((a) => a !== '--overwrite');
  const hasOut = args.some((a) => OUT.has(a) || a.startsWith('--out=') || (a.startsWith('-o') && a.length > 2 && !a.startsWith('--')));
  if (!hasOut) {
    const relative = path.relative(options.cwd, runDir);
    args.push('--out', relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : runDir);
  }
  if (!args.includes('--resume')) args.push('--resume');
  return [options.invocation, ...args.map(shellWord)].join(' ');
}
