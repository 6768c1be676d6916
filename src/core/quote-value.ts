/**
 * One way to echo a value that came from a file (a tensor name, a header
 * field, a metadata string) inside an error message: short, and escaped so
 * that the terminal shows it rather than obeys it.
 *
 * JSON.stringify alone is not enough: a 10 MB header value would become one
 * 10 MB line on stderr, and it leaves DEL and the C1 controls (\x7f-\x9f, which
 * some terminals read as escape sequences) raw. Here every control character
 * is shown as \xNN (or \n, \t ...), and a long value is cut, with its full
 * length given. Tests: test/core/quote-value.test.ts.
 */

/** Characters kept from a long string before it is cut. */
export const QUOTE_MAX_CHARS = 80;

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };

// C0 controls, DEL, C1 controls, the line and paragraph separators, the bidirectional overrides
// and isolates (which reorder what the terminal shows), and lone surrogates.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069"\\]|\p{Surrogate}/gu;

function escapeChar(ch: string): string {
  if (ESCAPES[ch]) return ESCAPES[ch];
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character escaped as above, not quoted and not
 * cut: for whole lines bound for a terminal (an error message that carries a
 * file name). Line breaks and tabs in `keep` stay as they are.
 */
export function escapeControls(text: string, keep = ''): string {
  return text.replace(UNSAFE, (ch) => (ch === '"' || ch === '\\' || keep.includes(ch) ? ch : escapeChar(ch)));
}

/** A string in double quotes, escaped, cut after `max` characters with its length said. */
export function quoteString(text: string, max = QUOTE_MAX_CHARS): string {
  const cut = text.length > max;
  // Do not cut a surrogate pair in half.
  let end = cut ? max : text.length;
  if (cut && /\p{Surrogate}/u.test(text[end - 1]) && text.charCodeAt(end - 1) < 0xdc00) end -= 1;
  const shown = text.slice(0, end).replace(UNSAFE, escapeChar);
  return cut ? `"${shown}"... (${text.length} characters)` : `"${shown}"`;
}

function describeArray(value: readonly unknown[], max: number, depth: number): string {
  const parts: string[] = [];
  let used = 0;
  for (const item of value) {
    const part = describe(item, max, depth + 1);
    if (used + part.length > max && parts.length > 0) break;
    parts.push(part);
    used += part.length + 1;
  }
  const more = value.length - parts.length;
  return `[${parts.join(',')}${more > 0 ? `,... (${value.length} items)` : ''}]`;
}

function describeObject(value: object, max: number, depth: number): string {
  const keys = Object.keys(value);
  const parts: string[] = [];
  let used = 0;
  for (const key of keys) {
    const part = `${quoteString(key, max)}:${describe((value as Record<string, unknown>)[key], max, depth + 1)}`;
    if (used + part.length > max && parts.length > 0) break;
    parts.push(part);
    used += part.length + 1;
  }
  const more = keys.length - parts.length;
  return `{${parts.join(',')}${more > 0 ? `,... (${keys.length} keys)` : ''}}`;
}

function describe(value: unknown, max: number, depth: number): string {
  if (typeof value === 'string') return quoteString(value, max);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return typeof value;
  // Nested values are summarised, not walked: a file can nest thousands of levels.
  if (depth >= 2) return Array.isArray(value) ? `[... (${value.length} items)]` : '{...}';
  return Array.isArray(value) ? describeArray(value, max, depth) : describeObject(value, max, depth);
}

/**
 * Any value from a file, as error-message text: strings quoted and escaped,
 * numbers as they are (NaN and Infinity too, where JSON.stringify writes null),
 * short arrays and objects as JSON.stringify writes them, arrays and objects shown to about `max` characters
 * and two levels deep, the rest summarised with a count.
 */
export function quoteValue(value: unknown, max = QUOTE_MAX_CHARS): string {
  return describe(value, max, 0);
}
