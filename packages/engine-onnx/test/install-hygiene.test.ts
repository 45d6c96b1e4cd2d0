import fs from 'node:fs';
import path from 'node:path';

/**
 * onnxruntime-node's postinstall downloads CUDA and TensorRT provider libraries (hundreds of MB,
 * from outside the npm registry) on Linux x64 unless told to skip; the repository's .npmrc tells it.
 */
const repoRoot = path.resolve(__dirname, '../../..');
const ortDir = path.dirname(require.resolve('onnxruntime-node/package.json'));

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('onnxruntime-node install', () => {
  test('.npmrc sets the key its install script reads to skip', () => {
    const npmrc = fs.readFileSync(path.join(repoRoot, '.npmrc'), 'utf8');
    expect(npmrc).toMatch(/^onnxruntime-node-install=skip$/m);
    // The install script of the installed version still reads that key (npm passes it as npm_config_…).
    const utils = fs.readFileSync(path.join(ortDir, 'script', 'install-utils.js'), 'utf8');
    expect(utils).toContain('npm_config_onnxruntime_node_install');
    expect(utils).toMatch(/case 'skip':\s*return false;/);
  });

  test('no CUDA or TensorRT provider library is installed, and the CPU runtime is', () => {
    const libs = files(ortDir).filter((f) => /\.so(\.\d+)*$/.test(f));
    expect(libs.filter((f) => /cuda|tensorrt/i.test(path.basename(f)))).toEqual([]);
    expect(libs.map((f) => path.basename(f))).toContain('libonnxruntime.so.1');
  });
});
