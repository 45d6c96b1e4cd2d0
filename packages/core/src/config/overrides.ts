import YAML from 'yaml';
import { UsageError } from '../errors';
import { FORBIDDEN_KEYS, FORBIDDEN_MESSAGE, forbiddenKeyPaths } from './forbidden-keys';
import { formatKeyPath, isPlainObject, parseKeyPath, type KeyPath } from './schema-walk';

/** One `--set key=value`: the value is YAML, so `[128,128]` is a list and `3` a number. */
export interface Override {
  text: string;
  keyPath: KeyPath;
  value: unknown;
}

export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set ${text}: expected key=value, e.g. --set train.epochs=5`);
  const key = text.slice(0, eq).trim();
  let keyPath: KeyPath;
  try {
    keyPath = parseKeyPath(key);
  } catch {
    throw new UsageError(`--set ${text}: "${key}" is not a key path (use dots and [index], e.g. postprocess[0].min_size)`);
  }
  let value: unknown;
  try {
    value = YAML.parse(text.slice(eq + 1));
  } catch (e) {
    throw new UsageError(`--set ${text}: the value is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  // Checked on the key path and the parsed value, before anything is merged (prototype pollution).
  const at = keyPath.findIndex((k) => typeof k === 'string' && FORBIDDEN_KEYS.has(k));
  const forbidden = at >= 0 ? [formatKeyPath(keyPath.slice(0, at + 1))] : forbiddenKeyPaths(value, keyPath);
  if (forbidden.length) throw new UsageError(`--set ${text}: ${forbidden.join(', ')}: ${FORBIDDEN_MESSAGE}`);
  return { text, keyPath, value };
}

/** Set `value` at `keyPath` inside `target`, creating mappings and lists on the way. Mutates `target`. */
export function setIn(target: Record<string, unknown>, keyPath: KeyPath, value: unknown): void {
  let node: Record<string | number, unknown> = target;
  keyPath.forEach((key, i) => {
    if (i === keyPath.length - 1) {
      node[key] = value;
      return;
    }
    const nextIsIndex = typeof keyPath[i + 1] === 'number';
    const child = node[key];
    if (!(isPlainObject(child) || Array.isArray(child))) node[key] = nextIsIndex ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
}
