/** Adler-32, the checksum that closes the PNG writer's zlib stream, against zlib's own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { adler32 } from '../../../src/apps/image/adler32.js';
import { Random } from '../../../src/core/random.js';

function randomBytesSeeded(n: number, seed: number): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length: n }, () => random.int(256));
}

test('adler32 matches zlib for any length and alignment, and continues across calls', () => {
  const bytes = randomBytesSeeded(70_000, 8);
  for (const [from, to] of [[0, 0], [0, 1], [1, 4], [3, 70_000], [2, 11_111], [0, 70_000]]) {
    const part = bytes.subarray(from, to);
    const deflated = zlib.deflateSync(part);
    assert.equal(adler32(part), deflated.readUInt32BE(deflated.length - 4), `bytes ${from}..${to}`);
  }
  const whole = zlib.deflateSync(bytes);
  assert.equal(adler32(bytes.subarray(5000), adler32(bytes.subarray(0, 5000))), whole.readUInt32BE(whole.length - 4));
  // A run of 0xff long enough to overflow 32-bit sums between the modulo steps.
  const ones = new Uint8Array(100_000).fill(0xff);
  const deflatedOnes = zlib.deflateSync(ones);
  assert.equal(adler32(ones), deflatedOnes.readUInt32BE(deflatedOnes.length - 4));
});
