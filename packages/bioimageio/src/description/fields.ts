import { BioimageioError } from '../errors';
import { quote } from '../printable';

/**
 * Typed access to the fields of a parsed YAML document: each reader checks one value and, when it
 * is wrong, throws a `BioimageioError` naming the file and the field path.
 */
export class FieldReader {
  constructor(readonly file?: string) {}

  fail(path: string, message: string): never {
    throw new BioimageioError(message, { file: this.file, field: path });
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, `must be a mapping, got ${describe(value)}`);
    return value as Record<string, unknown>;
  }

  optionalObject(value: unknown, path: string): Record<string, unknown> {
    return value === undefined || value === null ? {} : this.object(value, path);
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `must be a list, got ${describe(value)}`);
    return value;
  }

  optionalArray(value: unknown, path: string): unknown[] {
    return value === undefined || value === null ? [] : this.array(value, path);
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, value === undefined ? 'is required' : `must be a string, got ${describe(value)}`);
    return value;
  }

  optionalString(value: unknown, path: string): string | null {
    return value === undefined || value === null ? null : this.string(value, path);
  }

  /** Versions are strings in the spec, but YAML reads `1.5` or `2` as numbers. */
  version(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return String(value);
    return this.string(value, path);
  }

  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, value === undefined ? 'is required' : `must be a number, got ${describe(value)}`);
    return value;
  }

  integer(value: unknown, path: string, min?: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(path, value === undefined ? 'is required' : `must be an integer, got ${describe(value)}`);
    if (min !== undefined && value < min) this.fail(path, `must be >= ${min}, got ${value}`);
    return value;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, got ${describe(value)}`);
    return value;
  }
}

/** A short rendering of a value for messages: `"abc"`, `12`, `a list`, `a mapping`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return quote(value, { mark: '"' });
  return String(value);
}
