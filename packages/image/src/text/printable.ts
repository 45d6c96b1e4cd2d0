/**
 * Text from files (file names, strings read from a config, a model package or an image) reaches the
 * terminal in messages; a control character in it would act on the terminal instead of being read
 * (an escape sequence that clears the screen or recolours it, a carriage return or line break that
 * forges a line of biaflow's own). These escape them, in the notation JSON uses (`\n`, `\u001b`), so
 * escaped text is still valid inside a JSON string and reads back as what the file held.
 */

// C0 controls, DEL, C1 controls (U+009B is an escape introducer by itself), and the Unicode format
// characters that reorder or break displayed text (bidirectional overrides and isolates, line and
// paragraph separators).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escape(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A name or string from a file, safe to print within a line: every control character escaped, line breaks too. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, escape);
}

/**
 * A whole message for the terminal: control characters escaped, except its own line breaks and
 * tabs. What the CLI's output streams and the log's terminal lines pass everything through.
 */
export function printableText(s: string): string {
  return s.replace(UNPRINTABLE_BUT_LINES, escape);
}

/**
 * A short excerpt of a value read from a file, for a message: a string quoted and cut to `max`
 * characters (its length said when cut), other values as JSON, cut likewise; escaped either way.
 * Messages quote file contents only through this (never a whole file, or a secret it may hold).
 * `mark` is the quote around a string (`"` unless told).
 */
export function excerpt(value: unknown, max = 40, mark = '"'): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === undefined) return String(value);
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  const head = printable(text.slice(0, max));
  const quoted = typeof value === 'string' ? `${mark}${head}${mark}` : head;
  return text.length > max ? `${quoted}… (${text.length} characters)` : quoted;
}

/** A message from a library about a file (a parser's, a runtime's), for ours: escaped, and cut to `max` characters. */
export function clip(text: string, max = 200): string {
  const head = printable(text.slice(0, max));
  return text.length > max ? `${head}…` : head;
}
