import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repo, tmpdir } from './e2e-helpers';

/**
 * Commands are contributions: a plugin package installed in the project lists a command in its
 * manifest (shown by --help without loading the plugin) and registers it in apply() (loaded when
 * the command runs).
 */
function project(): { dir: string; marker: string } {
  const dir = tmpdir();
  const pkg = path.join(dir, 'node_modules', 'biaflow-plugin-hello');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({
      name: 'biaflow-plugin-hello',
      version: '1.0.0',
      main: 'index.js',
      keywords: ['biaflow-plugin'],
      peerDependencies: { '@biaflow/core': '^0.1.0' },
      biaflow: { commands: [{ name: 'hello', description: 'greet someone' }] },
    }),
  );
  const marker = path.join(dir, 'LOADED');
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    `require('fs').writeFileSync(${JSON.stringify(marker)}, 'yes');
module.exports = { name: 'biaflow-plugin-hello', version: '1.0.0', core: '^0.1.0', apply(kernel) {
  kernel.registerCommand({
    name: 'hello',
    description: 'greet someone',
    define(command) { command.argument('<who>', 'whom to greet').option('--loud', 'shout'); },
    async run(args, options, io) { const text = 'hello ' + args[0]; io.stdout((options.loud ? text.toUpperCase() : text) + '\\n'); },
  });
} };\n`,
  );
  return { dir, marker };
}

function biaflow(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [path.join(repo, 'packages/biaflow/dist/bin.js'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help lists a contributed command from its manifest, without loading the plugin', () => {
  const { dir, marker } = project();
  const r = biaflow(['--help'], dir);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/hello.*greet someone \(from biaflow-plugin-hello\)/);
  expect(fs.existsSync(marker)).toBe(false);
});

test('running it loads the plugin and parses the options it defines', () => {
  const { dir, marker } = project();
  const r = biaflow(['hello', 'world', '--loud'], dir);
  expect(r).toMatchObject({ code: 0, stdout: 'HELLO WORLD\n' });
  expect(fs.existsSync(marker)).toBe(true);
  expect(biaflow(['hello', 'you'], dir).stdout).toBe('hello you\n');
  expect(biaflow(['hello', '--help'], dir).stdout).toContain('--loud');
  const bad = biaflow(['hello', 'x', '--bogus'], dir);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("unknown option '--bogus'");
  // Said once (as core's commands say theirs), and its help names the program as theirs does.
  expect(bad.stderr.split("unknown option '--bogus'")).toHaveLength(2);
  expect(biaflow(['hello', '--help'], dir).stdout).toContain('Usage: biaflow hello [options] <who>');
});

test('compare is contributed by @biaflow/report: listed by --help, its options and usage errors as a command of core', () => {
  const dir = tmpdir();
  expect(biaflow(['--help'], dir).stdout).toMatch(/compare[\s\S]*beside its first[\s\S]*\(from @biaflow\/report\)/);
  const help = biaflow(['compare', '--help'], dir);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: biaflow compare [options]');
  for (const option of ['--config <file>', '--set <key=value>', '--plugin <path|package>', '--out <dir>', '--json']) expect(help.stdout).toContain(option);
  const noOut = biaflow(['compare'], dir);
  expect(noOut).toMatchObject({ code: 2, stdout: '' });
  expect(noOut.stderr).toBe('error: compare needs --out RUN_DIR\nhint: the folder of a run that predicted and post-processed\n');
  const noRun = biaflow(['compare', '--out', 'nothing'], dir);
  expect(noRun.code).toBe(2);
  expect(noRun.stderr).toContain(`${path.join(dir, 'nothing')} holds no run (no config.yaml)`);
  const typo = biaflow(['compare', '--jsn'], dir);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toBe("error: unknown option '--jsn'\n(Did you mean --json?)\n");
});
