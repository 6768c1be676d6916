/**
 * The PNG reader (src/apps/image/png-read.ts, decodeGreyPng): PNGs of every
 * colour type and bit depth, mutated as bytes (mostly caught by the chunk
 * CRCs) and chunk-aware (a chunk's data or IHDR's fields changed with the CRC
 * fixed, the image data inflated, mutated and deflated again, chunks dropped
 * or repeated), and outside a mild run a 1x1 interlaced PNG whose image data
 * inflates to 1 GiB.
 */
import { constants, deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { decodeGreyPng } from '../../src/apps/image/png-read.js';
import { encodePng, pngChunk, zlibHeader } from '../../src/apps/image/png-write.js';
import { ConvkitError } from '../../src/core/errors.js';
import type { Random } from '../../src/core/random.js';
import { concat, mutateBytes } from '../mutate.js';
import type { FuzzTarget } from '../target.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const MAX_PIXELS = 1 << 20;

interface Chunk { type: string; data: Uint8Array }

function chunks(bytes: Uint8Array): Chunk[] {
  const out: Chunk[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    out.push({ type: Buffer.from(bytes.subarray(at + 4, at + 8)).toString('latin1'), data: bytes.slice(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

const assemble = (list: readonly Chunk[]): Uint8Array => concat(SIGNATURE, ...list.map((c) => pngChunk(c.type, c.data)));

function pngjsSeed(width: number, height: number, colorType: number, bitDepth: number): Uint8Array {
  const image = new pngjs.PNG({ width, height });
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 29) & 0xff;
  return new Uint8Array(pngjs.PNG.sync.write(image, { colorType: colorType as 0, bitDepth: bitDepth as 8, inputHasAlpha: true }));
}

function seeds(): Uint8Array[] {
  const grey = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
  return [
    new Uint8Array(encodePng({ width: 5, height: 3, data: grey }, { colour: 'grey', text: { 'convkit:length': '13' } })),
    new Uint8Array(encodePng({ width: 4, height: 4, data: Uint8Array.from({ length: 48 }, (_, i) => i * 5) }, { colour: 'rgb', compressionLevel: 0 })),
    pngjsSeed(7, 3, 6, 8),
    pngjsSeed(3, 5, 4, 8),
    pngjsSeed(2, 2, 0, 16),
    pngjsSeed(6, 2, 2, 16),
  ];
}

function chunkAware(random: Random, seed: Uint8Array): Uint8Array {
  const list = chunks(seed);
  const i = random.int(list.length);
  const chunk = list[i]!;
  const roll = random.next();
  if (roll < 0.3 && list.some((c) => c.type === 'IDAT')) {
    const idat = list.find((c) => c.type === 'IDAT')!;
    const raw = inflateSync(idat.data);
    idat.data = new Uint8Array(deflateSync(mutateBytes(random, raw)));
  } else if (roll < 0.55) {
    const ihdr = list[0]!;
    // width, height, bit depth, colour type, compression, filter, interlace
    const view = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, ihdr.data.byteLength);
    const field = random.int(7);
    if (field < 2) view.setUint32(field * 4, [0, 1, 2, 255, 1 << 16, 2 ** 31, 2 ** 32 - 1][random.int(7)]!);
    else ihdr.data[6 + field] = [0, 1, 2, 3, 4, 6, 7, 8, 16, 255][random.int(10)]!;
  } else if (roll < 0.8) {
    chunk.data = mutateBytes(random, chunk.data);
  } else if (roll < 0.9) {
    list.splice(i, 1);
  } else {
    list.splice(i, 0, { type: chunk.type, data: chunk.data.slice() });
  }
  return assemble(list);
}

let bomb: Uint8Array | undefined;
/** 1x1 grey, interlaced, with image data of 1 GiB of zeros (1 MiB deflate blocks repeated, about 1 MB). */
function pngBomb(): Uint8Array {
  if (!bomb) {
    const mib = 1 << 20;
    // A sync flush ends each block byte-aligned and not final, so copies of it chain into one stream.
    const block = deflateRawSync(new Uint8Array(mib), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
    const copies = 1024;
    const adler = new Uint8Array(4);
    new DataView(adler.buffer).setUint32(0, (((copies * mib) % 65521) << 16 | 1) >>> 0);
    const stream = concat(zlibHeader(9), ...Array.from({ length: copies }, () => block), Uint8Array.of(0x03, 0x00), adler);
    const ihdr = Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 1);
    bomb = assemble([{ type: 'IHDR', data: ihdr }, { type: 'IDAT', data: stream }, { type: 'IEND', data: new Uint8Array(0) }]);
  }
  return bomb;
}

export const pngTarget: FuzzTarget<Uint8Array> = {
  name: 'png',
  seeds: async () => seeds(),
  generate(random, list, profile) {
    const roll = random.next();
    // Known, being fixed in issue 19 item 5: pngjs inflates without limit.
    if (!profile.mild && roll < 0.0001) return pngBomb();
    const seed = list[random.int(list.length)]!;
    return roll < 0.4 ? mutateBytes(random, seed, list) : chunkAware(random, seed);
  },
  run(bytes) {
    decodeGreyPng(bytes, MAX_PIXELS, 'fuzz.png');
  },
  isRefusal: (error) => error instanceof ConvkitError,
  files: (bytes) => [{ name: 'input.png', bytes }],
};
