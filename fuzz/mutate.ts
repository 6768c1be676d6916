/**
 * Byte mutations of a valid input, the way a corrupt download or a hostile
 * author changes a file: bit flips, overwritten bytes, truncation, splices of
 * two inputs, repeated or removed ranges, and "interesting" integers (0, -1,
 * 2^31, 2^32 - 1 ...) written over 1, 2, 4 or 8 bytes in either byte order,
 * which is how a header's sizes become huge or negative. Every choice comes
 * from the Random it is given, so (seed, index) names one input exactly.
 */
import type { Random } from '../src/core/random.js';

const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x40000000];

function pick<T>(random: Random, values: readonly T[]): T {
  return values[random.int(values.length)]!;
}

function writeInteresting(random: Random, out: Uint8Array): void {
  if (out.length === 0) return;
  const width = pick(random, [1, 2, 4, 8]);
  const at = random.int(out.length);
  const value = pick(random, INTERESTING_32);
  const littleEndian = random.next() < 0.5;
  for (let i = 0; i < width && at + i < out.length; i++) {
    const shift = littleEndian ? i : width - 1 - i;
    // Bytes past the fourth of an 8-byte value repeat the sign, so -1 stays -1 and 2^31 becomes huge.
    out[at + i] = shift < 4 ? (value >>> (8 * shift)) & 0xff : (value & 0x80000000 ? 0xff : 0);
  }
}

/** One mutated copy of `input`; `others` are splice partners (other valid inputs of the same target). */
export function mutateBytes(random: Random, input: Uint8Array, others: readonly Uint8Array[] = []): Uint8Array {
  let out: Uint8Array = Uint8Array.from(input);
  const rounds = 1 + random.int(random.next() < 0.8 ? 3 : 16);
  for (let r = 0; r < rounds; r++) {
    const kind = random.int(9);
    const n = out.length;
    if (kind === 0 && n > 0) {
      out[random.int(n)]! ^= 1 << random.int(8);
    } else if (kind === 1 && n > 0) {
      out[random.int(n)] = random.int(256);
    } else if (kind === 2) {
      writeInteresting(random, out);
    } else if (kind === 3 && n > 0) {
      out = out.slice(0, random.int(n));
    } else if (kind === 4 && others.length > 0) {
      const other = pick(random, others);
      const cut = random.int(n + 1);
      const from = random.int(other.length + 1);
      out = concat(out.subarray(0, cut), other.subarray(from));
    } else if (kind === 5 && n > 0) {
      // A range repeated: duplicated chunks, entries, records.
      const start = random.int(n);
      const length = 1 + random.int(Math.min(64, n - start));
      const copies = 1 + random.int(8);
      const range = out.subarray(start, start + length);
      out = concat(out.subarray(0, start + length), ...Array.from({ length: copies }, () => range), out.subarray(start + length));
    } else if (kind === 6 && n > 1) {
      const start = random.int(n);
      out = concat(out.subarray(0, start), out.subarray(start + 1 + random.int(Math.min(64, n - start))));
    } else if (kind === 7 && n > 0) {
      const start = random.int(n);
      out.fill(pick(random, [0, 0xff, 0x41]), start, start + 1 + random.int(32));
    } else {
      writeInteresting(random, out);
    }
  }
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Numbers a JSON field or a geometry field can be set to: the edges of every integer type, and the non-numbers. */
export const HOSTILE_NUMBERS: readonly number[] = [0, -1, 1, 2, 3, 7, 255, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31), 1e308, -1e308, 0.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER];

/**
 * A structural change to parsed JSON: a value replaced by a hostile number,
 * string, null, array or a little nesting; a key deleted or added. Deep
 * nesting is added to the text instead (deepenJsonText), since building it
 * as objects would overflow JSON.stringify's own stack before the target runs.
 */
export function mutateJson(random: Random, value: unknown): unknown {
  const root = structuredClone(value) as unknown;
  const holder = { root };
  const rounds = 1 + random.int(3);
  for (let r = 0; r < rounds; r++) {
    // Walk to a random node, remembering its parent and key.
    let parent: Record<string | number, unknown> = holder as Record<string, unknown>;
    let key: string | number = 'root';
    for (let depth = 0; depth < 12; depth++) {
      const node: unknown = parent[key];
      if (node === null || typeof node !== 'object' || random.next() < 0.2) break;
      const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node as Record<string | number, unknown>;
      key = pick(random, keys);
    }
    parent[key] = replacement(random, parent[key]);
  }
  return holder.root;
}

function replacement(random: Random, old: unknown): unknown {
  switch (random.int(10)) {
    case 0: return pick(random, HOSTILE_NUMBERS);
    case 1: return typeof old === 'number' ? old * pick(random, [-1, 2, 1000, 1e9]) : pick(random, HOSTILE_NUMBERS);
    case 2: return pick(random, ['', 'x'.repeat(1 + random.int(100_000)), '\u001b[31mred', '__proto__', 'constructor', '../../etc/passwd', 'NaN', '-1', '1e309', 'Infinity']);
    case 3: return null;
    case 4: return pick(random, [true, false, [], {}]);
    case 5: return Array.isArray(old) ? [...old, ...old] : [old];
    case 6: {
      // Deep nesting: arrays or objects inside each other.
      let nested: unknown = old;
      const depth = 1 + random.int(20);
      const asArray = random.next() < 0.5;
      for (let i = 0; i < depth; i++) nested = asArray ? [nested] : { a: nested };
      return nested;
    }
    case 7: {
      if (old === null || typeof old !== 'object' || Array.isArray(old)) return old;
      const copy = { ...(old as Record<string, unknown>) };
      const keys = Object.keys(copy);
      if (keys.length > 0) delete copy[pick(random, keys)];
      return copy;
    }
    case 8: {
      if (old === null || typeof old !== 'object' || Array.isArray(old)) return old;
      return { ...(old as Record<string, unknown>), [pick(random, ['extra', '__proto__', 'constructor', 'name'])]: pick(random, HOSTILE_NUMBERS) };
    }
    default: return Array.isArray(old) && old.length > 0 ? old.slice(0, random.int(old.length)) : old;
  }
}

/**
 * The JSON text with one object member's value wrapped in up to `maxDepth`
 * arrays or objects (its old value moved to a new key), so the document stays
 * valid JSON: the input that overflowed a recursive walk of the parsed value.
 */
export function deepenJsonText(random: Random, text: string, maxDepth: number): string {
  const keyEnds: number[] = [];
  for (let at = text.indexOf('":'); at >= 0; at = text.indexOf('":', at + 2)) keyEnds.push(at + 2);
  if (keyEnds.length === 0) return text;
  const at = pick(random, keyEnds);
  const depth = 1 + random.int(maxDepth);
  const nested = random.next() < 0.5 ? `${'['.repeat(depth)}0${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
  return `${text.slice(0, at)}${nested},"deep_moved":${text.slice(at)}`;
}
