/** Text or attribute value → HTML that shows it literally (`&`, `<`, `>`, both quotes). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * JSON for the inside of a `<script type="application/json">`: the HTML parser ends a script at
 * `</script` and treats `<!--` specially, so every `<`, `>` and `&` is written as a JSON unicode
 * escape (`\u003c` …), which `JSON.parse` reads back as the same character. U+2028/2029 too, so the
 * text is also safe if someone pastes it into JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
