/** Hand-made PNGs for the reader's limits: any IHDR, any IDAT bytes, so that the files no writer would make can be tested. */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export interface Ihdr {
  width: number;
  height: number;
  bitDepth?: number;
  colourType?: number;
  interlace?: number;
}

export function ihdr({ width, height, bitDepth = 8, colourType = 0, interlace = 0 }: Ihdr): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([bitDepth, colourType, 0, 0, interlace], 8);
  return data;
}

/** A PNG of the given IHDR whose one IDAT chunk holds `idat` as it is. */
export function pngWith(header: Ihdr, idat: Uint8Array): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr(header)), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/**
 * A zlib stream of `blocks` x 16 MiB of zeros, about 16 KiB per block on disk: one deflate of 16 MiB,
 * sync-flushed (so it ends on a byte boundary) and repeated, then an empty final block and the Adler-32.
 */
export function zerosZlib(blocks: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(16 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const total = blocks * (16 << 20);
  // Adler-32 of n zero bytes: a = 1, b = n mod 65521.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0, 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: blocks }, () => block), Buffer.from([0x03, 0x00]), adler]);
}
