/**
 * Duplicate keys in JSON text. JSON.parse keeps the last of two equal keys
 * without a word, so a file could show one value to a reader that takes the
 * first and another to one that takes the last. The loader refuses such text.
 */

/**
 * The first key that appears twice in one object, at any depth, or undefined.
 * Expects text that JSON.parse has already accepted: only strings, brackets,
 * colons and commas matter here, so the scan needs no full grammar.
 */
export function findDuplicateKey(text: string): string | undefined {
  // One entry per open bracket: the keys seen so far for an object, null for an array.
  const open: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (keys && expectKey) {
        // Decoding the literal makes "a" and "\u0061" the same key, as JSON.parse sees them.
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (ch === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      open.push(null);
      expectKey = false;
    } else if (ch === '}' || ch === ']') {
      open.pop();
      expectKey = false;
    } else if (ch === ',') {
      expectKey = open[open.length - 1] instanceof Set;
    } else if (ch === ':') {
      expectKey = false;
    }
  }
  return undefined;
}
