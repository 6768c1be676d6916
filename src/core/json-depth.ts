/**
 * JSON text from a file, parsed only after its nesting depth is known to be
 * small. JSON.parse recurses once per level: a header nested some thousands
 * of levels deep overflows the stack ("Maximum call stack size exceeded"),
 * and the same would happen to any code walking the parsed value. A linear
 * scan that counts brackets outside strings finds the depth first, without
 * recursion. Tests: test/core/json-depth.test.ts.
 */

/** Deeper than any model file, manifest or record convkit writes (an architecture is 4 levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of '[' and '{' in `text`, counting only brackets outside
 * string literals. Stops early, returning `stopAt + 1`, once the depth passes `stopAt`.
 * The text need not be valid JSON: JSON.parse judges that afterwards.
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // Skip the string literal, escapes included; an unterminated one ends the scan.
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    } else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAt) return deepest;
      }
    } else if (code === 0x5d || code === 0x7d) {
      if (depth > 0) depth--;
    }
  }
  return deepest;
}

/**
 * JSON.parse after a depth check. `fail` receives the reason as a predicate
 * ("nests deeper than 64 levels ...", "is not valid JSON (...)") and throws the
 * caller's error, which names the file and the subject ("the header", "model.json").
 */
export function parseJsonWithDepthLimit(text: string, fail: (why: string) => never, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) fail(`nests deeper than ${maxDepth} levels of arrays and objects; convkit reads at most ${maxDepth}.`);
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}
