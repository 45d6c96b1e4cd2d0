import type { JsonValue } from '../report-data';

/**
 * A JSON value as YAML block text, for reading the resolved config. Strings that YAML would read as
 * something else (numbers, booleans, null, leading `-`, `:` …) are written double-quoted in JSON
 * syntax, which YAML reads back as the same string.
 */
export function toYaml(value: JsonValue, indent = ''): string {
  if (value === null || typeof value !== 'object') return `${scalar(value)}\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return value
      .map((item) => {
        if (item !== null && typeof item === 'object' && !isEmpty(item)) {
          const body = toYaml(item, `${indent}  `);
          return `${indent}- ${body.slice(indent.length + 2)}`;
        }
        return `${indent}- ${toYaml(item, `${indent}  `)}`;
      })
      .join('');
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}\n';
  return entries
    .map(([k, v]) => {
      const key = `${indent}${scalar(k)}:`;
      if (v !== null && typeof v === 'object' && !isEmpty(v)) return `${key}\n${toYaml(v, `${indent}  `)}`;
      return `${key} ${toYaml(v, `${indent}  `)}`;
    })
    .join('');
}

function isEmpty(v: object): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  const plain = /^[A-Za-z_./][A-Za-z0-9_ ./()+-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) && !/\s$/.test(v);
  return plain ? v : JSON.stringify(v);
}
