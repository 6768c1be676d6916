/** Shared by the zip tests: deterministic sample bytes and archives made with zip.js itself (so CI needs no zip tool). */
import assert from 'node:assert/strict';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { Random } from '../src/core/random.js';

export function seededBytes(n: number, seed: number): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length: n }, () => random.int(256));
}

/** An archive: AES by default, ZipCrypto on request, or no password. */
export async function makeZip(entries: Record<string, Uint8Array>, options: { password?: string; zipCrypto?: boolean } = {}): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password: options.password, zipCrypto: options.zipCrypto, zip64: false });
  for (const [name, bytes] of Object.entries(entries)) await writer.add(name, new Uint8ArrayReader(bytes));
  return writer.close();
}

/** Replaces a same-length byte string everywhere it occurs (entry names are stored in clear in both headers). */
export function patchName(zip: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const out = Buffer.from(zip);
  let at = out.indexOf(from, 0, 'latin1');
  assert.ok(at >= 0, `${from} not found`);
  for (; at >= 0; at = out.indexOf(from, at + 1, 'latin1')) out.write(to, at, 'latin1');
  return out;
}
