/**
 * Strings from a package (ids, file names, versions, a .npy header) reach messages; these keep
 * them short and printable: control characters escaped as JSON escapes them (`\n`, `\u001b`, so
 * an escape sequence cannot act on the terminal nor a line break forge a line), and a long value
 * cut, so a message never echoes a file wholesale. (Core has its own copy for its messages: this
 * package imports nothing from biaflow's Node packages.)
 */

// C0 controls, DEL, C1 controls, and the format characters that reorder or break displayed text.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** `s` with every control character escaped, line breaks included. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The longest excerpt of a package's text a message quotes. */
export const EXCERPT_LENGTH = 40;

function cut(text: string, max: number): { head: string; rest: string } {
  return text.length > max ? { head: printable(text.slice(0, max)), rest: `… (${text.length} characters)` } : { head: printable(text), rest: '' };
}

/** A value from a package quoted for a message: `'weights.onnx'`, cut to `max` characters (`'abc'… (52000 characters)`), escaped. */
export function quote(value: unknown, options: { max?: number; mark?: string } = {}): string {
  const { max = EXCERPT_LENGTH, mark = "'" } = options;
  const { head, rest } = cut(String(value), max);
  return `${mark}${head}${mark}${rest}`;
}

/** Raw text of a file (a header, a line) for a message: cut to `max` characters and escaped, unquoted. */
export function excerptText(text: string, max = EXCERPT_LENGTH): string {
  const { head, rest } = cut(text, max);
  return `${head}${rest}`;
}
