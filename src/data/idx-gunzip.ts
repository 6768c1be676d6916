/**
 * Inflating a gzipped IDX file without trusting it: gzip can expand about
 * 1000 to 1, so a 2 MB .gz can become gigabytes. The file is inflated as a
 * stream; as soon as the first inflated bytes hold the IDX header, the total
 * it declares (header plus data) becomes the bound, the output buffer is
 * allocated once at that size, and inflation stops at the first chunk past
 * it. The whole stays under `maxBytes` too. test/data/idx-limits.test.ts runs
 * a bomb in a child process and bounds its memory.
 */
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { UntrustedFile } from './untrusted-file.js';

/**
 * What the header at the start of `inflated` declares in all (header + data), in bytes, or undefined
 * while `inflated` is too short to tell. Throws when the header is not a valid IDX header.
 */
export type DeclaredSize = (inflated: Uint8Array) => number | undefined;

class Overflow extends Error {}

/** The inflated content of `file`, at most what its header declares (shorter when the stream ends early). */
export async function gunzipIdxFile(file: UntrustedFile, maxBytes: number, declaredSize: DeclaredSize): Promise<Uint8Array> {
  let head = new Uint8Array(0);
  let out: Uint8Array | undefined;
  let length = 0;
  const append = (chunk: Uint8Array): void => {
    if (out === undefined) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
      const total = declaredSize(head);
      if (total === undefined) {
        if (head.length > maxBytes) throw new Overflow(`inflates past the cap of ${maxBytes} bytes before its header ends`);
        return;
      }
      if (total > maxBytes) {
        throw new Overflow(`declares ${total} bytes (header and data) in its header, over the cap of ${maxBytes} bytes for an inflated IDX file`);
      }
      // Allocated once, at the size the header declares; pages that are never written cost no memory.
      out = new Uint8Array(total);
      chunk = head;
      head = new Uint8Array(0);
    }
    if (length + chunk.length > out.length) {
      throw new Overflow(`inflates to more than the ${out.length} bytes its header declares (header and data; ${length + chunk.length}+ so far): a gzip bomb or a corrupt file, stopped there`);
    }
    out.set(chunk, length);
    length += chunk.length;
  };
  // What the consumer threw: pipeline reports it as an AbortError of the streams it tears down.
  let stopped: unknown;
  try {
    // 256 KiB output chunks rather than zlib's 16 KiB: a 47 MB MNIST file then goes through far fewer callbacks and copies.
    await pipeline(file.stream(), createGunzip({ chunkSize: 256 * 1024 }), async (inflated: AsyncIterable<Buffer>) => {
      try {
        for await (const chunk of inflated) append(chunk);
      } catch (error) {
        stopped = error;
        throw error;
      }
    });
  } catch (error) {
    if (stopped instanceof Overflow) throw file.error(`${stopped.message}.`);
    // A header error from declaredSize is already typed and names the file.
    if (stopped !== undefined) throw stopped;
    throw file.error(
      `starts with the gzip magic 1f 8b but could not be decompressed: ${(error as Error).message}. Re-download it or gunzip it by hand to check it.`,
      { cause: error },
    );
  }
  return out === undefined ? head : out.subarray(0, length);
}
