import { ConfigError } from '../errors';
import { formatKeyPath, type KeyPath } from './schema-walk';

/**
 * Keys no config may hold: merged into an object they reach `Object.prototype` (prototype
 * pollution), and no section has them. YAML and JSON parse them as ordinary own keys, so they are
 * looked for in the parsed config before anything is merged or validated.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Key paths (`data.__proto__`, `postprocess[0].constructor`) of every forbidden key in a parsed value. */
export function forbiddenKeyPaths(value: unknown, at: KeyPath = []): string[] {
  const found: string[] = [];
  const visit = (v: unknown, path: KeyPath, seen: Set<object>): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...path, i], seen));
      return;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) found.push(formatKeyPath([...path, key]));
      else visit((v as Record<string, unknown>)[key], [...path, key], seen);
    }
  };
  visit(value, at, new Set());
  return found;
}

/**
 * Refuse a parsed config (a file's content, an inline config) that holds a forbidden key anywhere,
 * naming every key path; `source` names the file in the message.
 */
export function assertNoForbiddenKeys(raw: unknown, source?: string): void {
  const paths = forbiddenKeyPaths(raw);
  if (paths.length) throw new ConfigError(paths.map((path) => ({ path, message: FORBIDDEN_MESSAGE })), source);
}

export const FORBIDDEN_MESSAGE = 'keys named __proto__, constructor or prototype are not allowed in a config (no section has them, and merged into an object they would change every object of the program): remove it';
