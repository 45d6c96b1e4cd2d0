import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@biaflow/core';
import { loadConfig } from 'biaflow';

/**
 * `__proto__`, `constructor` and `prototype` keys (prototype pollution) anywhere in a config file or a
 * `--set` are refused with exit 2 and their key path, before anything is merged: they used to crash
 * the schema walk with a TypeError (exit 1).
 */
const bin = path.resolve(__dirname, '../../biaflow/dist/bin.js');

function biaflow(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-proto-'));
  fs.writeFileSync(path.join(dir, 'ok.yaml'), 'problem:\n  type: instance\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function expectRefused(r: ReturnType<typeof biaflow>, keyPath: string): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${keyPath}: keys named __proto__, constructor or prototype are not allowed in a config`);
  expect(r.stderr).not.toMatch(/TypeError|Cannot read properties/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('config keys that reach Object.prototype are refused with their key path', () => {
  test('__proto__ in a YAML config file', () => {
    fs.writeFileSync(path.join(dir, 'proto.yaml'), 'problem:\n  type: instance\ndata:\n  __proto__:\n    polluted: 1\n');
    expectRefused(biaflow(['config', 'validate', '--config', 'proto.yaml'], dir), 'data.__proto__');
  });

  test('constructor and prototype deeper down, in a list, all reported at once', () => {
    fs.writeFileSync(
      path.join(dir, 'deep.yaml'),
      'problem:\n  type: instance\npostprocess:\n  - method: instance_watershed\n    constructor: { prototype: 1 }\ntrain:\n  prototype: 3\n',
    );
    const r = biaflow(['config', 'validate', '--config', 'deep.yaml'], dir);
    expectRefused(r, 'postprocess[0].constructor');
    expect(r.stderr).toContain('train.prototype: keys named');
  });

  test('__proto__ in a JSON config file', () => {
    fs.writeFileSync(path.join(dir, 'proto.json'), '{"problem": {"type": "instance"}, "__proto__": {"polluted": true}}');
    expectRefused(biaflow(['config', 'validate', '--config', 'proto.json'], dir), '__proto__');
  });

  test('a run with such a config stops before creating its run folder', () => {
    const r = biaflow(['train', '--config', 'proto.yaml', '--out', 'never'], dir);
    expectRefused(r, 'data.__proto__');
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
  });

  test('--set with a forbidden key in its key path', () => {
    expectRefused(biaflow(['config', 'validate', '--config', 'ok.yaml', '--set', '__proto__.polluted=1'], dir), '--set __proto__.polluted=1: __proto__');
    expectRefused(biaflow(['config', 'validate', '--config', 'ok.yaml', '--set', 'data.constructor.prototype.x=1'], dir), 'data.constructor');
  });

  test('--set with a forbidden key inside its YAML value', () => {
    expectRefused(biaflow(['config', 'validate', '--config', 'ok.yaml', '--set', 'data.train={__proto__: {polluted: 1}}'], dir), 'data.train.__proto__');
  });

  test('from code: an inline config holding __proto__ is a ConfigError and pollutes nothing', async () => {
    const inline = JSON.parse('{"problem": {"type": "instance"}, "system": {"__proto__": {"polluted": "yes"}}}') as Record<string, unknown>;
    const error = await loadConfig({ inline, cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['system.__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
