/**
 * Adler-32 (RFC 1950), the checksum that ends a zlib stream. Node exposes
 * crc32 but not adler32, and the PNG writer compresses segments separately
 * (./png-write.ts), so the checksum of the whole stream is computed here,
 * on the main thread while zlib works on the thread pool.
 *
 * Four bytes per step from a Uint32Array view: with a word x0 x1 x2 x3 (x0
 * first in the file), four single-byte steps add x0+x1+x2+x3 to a and
 * 4a + 4x0 + 3x1 + 2x2 + x3 to b. That is faster in V8 than the byte loop
 * (bench/phases/binimg-throughput.ts runs it over every PNG it writes;
 * test/apps/image/adler32.test.ts checks it against zlib's own). The modulo
 * is taken every 5,520 bytes, well inside the 2^53 of a double (zlib's NMAX
 * of 5,552 is the bound for 32-bit integers).
 */
import { endianness } from 'node:os';

const BASE = 65521;
const BLOCK_WORDS = 1380; // 5,520 bytes
const LITTLE_ENDIAN = endianness() === 'LE';

function bytewise(bytes: Uint8Array, from: number, to: number, a: number, b: number): [number, number] {
  while (from < to) {
    const end = Math.min(to, from + BLOCK_WORDS * 4);
    for (; from < end; from++) {
      a += bytes[from];
      b += a;
    }
    a %= BASE;
    b %= BASE;
  }
  return [a, b];
}

/** Continues the Adler-32 `adler` (1 for a new stream) over `bytes`. */
export function adler32(bytes: Uint8Array, adler = 1): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  if (!LITTLE_ENDIAN) {
    [a, b] = bytewise(bytes, 0, bytes.length, a, b);
    return ((b << 16) | a) >>> 0;
  }
  const head = Math.min(bytes.length, (4 - (bytes.byteOffset & 3)) & 3);
  [a, b] = bytewise(bytes, 0, head, a, b);
  const count = (bytes.length - head) >>> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + head, count);
  for (let w = 0; w < count;) {
    const end = Math.min(count, w + BLOCK_WORDS);
    for (; w < end; w++) {
      const x = words[w];
      const x0 = x & 0xff;
      const x1 = (x >>> 8) & 0xff;
      const x2 = (x >>> 16) & 0xff;
      const x3 = x >>> 24;
      b += 4 * a + 4 * x0 + 3 * x1 + 2 * x2 + x3;
      a += x0 + x1 + x2 + x3;
    }
    a %= BASE;
    b %= BASE;
  }
  [a, b] = bytewise(bytes, head + count * 4, bytes.length, a, b);
  return ((b << 16) | a) >>> 0;
}
